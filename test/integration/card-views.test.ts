import { describe, expect, it } from 'vitest';
import { openTicket } from '../../src/app/intake/open-ticket.js';
import { buildCardViews } from '../../src/app/shared/card-view.js';
import { claimTicket } from '../../src/app/tickets/claim-ticket.js';
import type { Platform } from '../../src/domain/policy.js';
import * as slaTick from '../../src/jobs/sla-tick.js';
import { useTestApp } from '../support/app.js';
import { TEST_DB_KIND } from '../support/database.js';

const app = useTestApp();

const T0 = Date.parse('2026-03-02T15:00:00Z');

async function open(platform: Platform, channelId: string, author: string, text: string) {
  const r = await openTicket(app.deps, {
    platform,
    channelId,
    messageId: `${channelId}:${text.length}:${author}`,
    threadRef: null,
    author: { externalId: author, displayName: author, workspaceId: null, external: true },
    text,
    trigger: 'message',
  });
  if (!r.ok || r.value.status !== 'opened') throw new Error('not opened');
  return r.value.ticket.id;
}

async function claim(platform: Platform, externalId: string, ticketId: number) {
  const r = await claimTicket(app.deps, { actor: { platform, externalId }, ticketId });
  if (!r.ok) throw r.error;
}

describe(`card views (${TEST_DB_KIND})`, () => {
  it('reads many cards together, each with its own organization, people, assignee id and escalation', async () => {
    app.clock.set(T0);
    const outage = await open('slack', 'C0NORTHWND', 'U0INESNW01', 'Production down: payments api outage');
    const globex = await open('slack', 'C0GLOBEX01', 'U0KOFIGX01', 'How do I export invoices as CSV?');
    const initech = await open('discord', '1200000000000000003', '1500000000000000099', 'Webhook fails');
    await claim('slack', 'U0JUN00001', globex);
    // Marco claims from Slack, but Initech's card lives on Discord: the card mentions his Discord id.
    await claim('slack', 'U0MARCO001', initech);
    app.clock.set(T0 + 15 * 60_000);
    await slaTick.run(app.deps, app.clock.now()); // the unclaimed P1 breaches and escalates

    const now = app.clock.now();
    const ids = [outage, globex, initech];
    const { together, oneByOne } = await app.deps.store.withoutTransaction(async (uow) => {
      const tickets = await uow.tickets.getMany([...ids, 999_999]);
      expect([...tickets.keys()].sort((a, b) => a - b)).toEqual(ids);
      const list = ids.map((id) => tickets.get(id)!);
      const together = await buildCardViews(uow, list, now);
      const oneByOne = new Map();
      for (const t of list) oneByOne.set(t.id, (await buildCardViews(uow, [t], now)).get(t.id));
      return { together, oneByOne };
    });
    expect(together).toEqual(oneByOne);

    const view = (id: number) => together.get(id)!;
    expect(ids.map((id) => view(id).organization)).toEqual([
      'Northwind Bank',
      'Globex Logistics',
      'Initech Studio',
    ]);
    expect(view(outage).assignee).toBeNull();
    expect(view(outage).escalation).toEqual({
      level: 'level 1',
      status: 'active',
      text: 'paging level 1, Primary on-call',
    });
    expect(view(outage).slaSummary).toMatch(/^first response breached/);
    expect(view(globex).assignee).toEqual({ name: 'Jun Watanabe', platformUserId: 'U0JUN00001' });
    expect(view(globex).escalation).toBeNull();
    expect(view(initech).assignee).toEqual({ name: 'Marco Bianchi', platformUserId: '1400000000000000002' });
    expect(view(initech).customerThread.platform).toBe('discord');
    expect(ids.map((id) => view(id).requesterName)).toEqual([
      'Inés Alvarez (Northwind)',
      'Kofi Mensah (Globex)',
      '1500000000000000099', // a newcomer, named as Discord showed them
    ]);
  });
});
