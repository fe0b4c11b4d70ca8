import { describe, expect, it } from 'vitest';
import { addMessage } from '../../src/app/intake/add-message.js';
import { openTicket } from '../../src/app/intake/open-ticket.js';
import { refreshCountdowns } from '../../src/app/sla/refresh-countdowns.js';
import { useTestApp } from '../support/app.js';
import { TEST_DB_KIND } from '../support/database.js';

const app = useTestApp();

async function open(i: number, channel = 'C0NORTHWND') {
  const r = await openTicket(app.deps, {
    platform: 'slack',
    channelId: channel,
    messageId: `${channel}:${i}`,
    threadRef: `1772463600.${String(i).padStart(6, '0')}`,
    author: {
      externalId: channel === 'C0NORTHWND' ? 'U0INESNW01' : 'U0KOFIGX01',
      displayName: 'c',
      workspaceId: null,
      external: true,
    },
    text: `Dashboards are slow, request ${i} times out`,
    trigger: 'message',
  });
  if (!r.ok || r.value.status !== 'opened') throw new Error('not opened');
  // As if the outbox had posted the card.
  await app.rows(
    `update tickets set card_message_ref = '1772463700.${String(i).padStart(6, '0')}' where id = ${r.value.ticket.id}`,
  );
  return r.value.ticket;
}

const refreshes = async () =>
  (
    await app.rows<{ key: string }>(
      "select idempotency_key as key from outbox where idempotency_key like '%:card:tick:%' order by id",
    )
  ).map((r) => r.key);

describe(`countdown refresh (${TEST_DB_KIND})`, () => {
  it('edits the stalest cards first, at most 10 per channel per run, each at most once a minute', async () => {
    for (let i = 1; i <= 15; i++) await open(i); // all in the enterprise-engineering queue channel
    await open(16, 'C0GLOBEX01'); // business tier: another queue channel
    await app.rows("update outbox set status = 'sent'"); // the cards went out
    const now = app.clock.now();
    expect(await refreshCountdowns(app.deps, now)).toBe(11); // 10 in one channel + 1 in the other
    expect(await refreshCountdowns(app.deps, now + 30_000)).toBe(5); // the rest; the first 10 are fresh
    expect(await refreshCountdowns(app.deps, now + 40_000)).toBe(0);
    await app.rows("update outbox set status = 'sent'"); // the edits went out
    expect(await refreshCountdowns(app.deps, now + 61_000)).toBe(11);
    expect((await refreshes()).length).toBe(27);
    expect(new Set(await refreshes()).size).toBe(27);
  });

  it('leaves resolved tickets and cards not yet posted alone', async () => {
    const t = await open(1);
    await app.rows(`update tickets set status = 'resolved' where id = ${t.id}`);
    await openTicket(app.deps, {
      platform: 'slack',
      channelId: 'C0NORTHWND',
      messageId: 'C0NORTHWND:no-card',
      threadRef: null,
      author: { externalId: 'U0INESNW01', displayName: 'c', workspaceId: null, external: true },
      text: 'Exports are slow',
      trigger: 'message',
    });
    expect(await refreshCountdowns(app.deps, app.clock.now())).toBe(0);
  });

  it('tells the customer when the next update is due after each public reply (tiers with a cadence)', async () => {
    const t = await open(1);
    await addMessage(app.deps, {
      platform: 'slack',
      channelId: 'C0NORTHWND',
      threadRef: t.origin.threadRef!,
      messageId: 'C0NORTHWND:reply',
      author: { externalId: 'U0PRIYA001', displayName: 'Priya', workspaceId: null },
      text: 'Looking into it',
    });
    const [notice] = await app.rows<{ text: string }>(
      "select payload->>'text' as text from outbox where idempotency_key like '%:next-update:%'",
    );
    // Enterprise P3: update every 1440 business minutes on the 24x7 calendar.
    expect(notice?.text).toBe(
      `Next update on ticket #${t.id} from the team by Tue 3 Mar 15:00 UTC at the latest.`,
    );
  });
});
