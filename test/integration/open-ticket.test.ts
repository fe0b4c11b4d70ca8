import { describe, expect, it } from 'vitest';
import { addMessage } from '../../src/app/intake/add-message.js';
import { type InboundMessage, openTicket } from '../../src/app/intake/open-ticket.js';
import { threadReply } from '../../src/app/shared/outbound.js';
import { claimTicket } from '../../src/app/tickets/claim-ticket.js';
import type { OpeningTicket, TicketRecord } from '../../src/ports/store.js';
import { useTestApp } from '../support/app.js';
import { TEST_DB_KIND } from '../support/database.js';

const app = useTestApp();

const ines = { externalId: 'U0INESNW01', displayName: 'Inés', workspaceId: 'T0NORTHWND' };

function message(text: string, over: Partial<InboundMessage> = {}): InboundMessage {
  return {
    platform: 'slack',
    channelId: 'C0NORTHWND',
    messageId: `1772463600.${Math.floor(Math.random() * 1e6)}`,
    threadRef: null,
    author: ines,
    text,
    trigger: 'message',
    ...over,
  };
}

/** Opens a batch's messages together (one group commit), and says what became of each. */
async function statusesOf(batch: InboundMessage[]) {
  const results = await Promise.all(batch.map((m) => openTicket(app.deps, m)));
  return results.map((r) => r.ok && r.value.status);
}

async function open(text: string, over: Partial<InboundMessage> = {}) {
  const r = await openTicket(app.deps, message(text, over));
  if (!r.ok) throw r.error;
  return r.value;
}

describe(`open a ticket (${TEST_DB_KIND})`, () => {
  it('triages, routes and promises an enterprise P1 with its card queued', async () => {
    const out = await open('Production down: payments api returns 500 for all customers', {
      messageId: '1772463600.000100',
    });
    expect(out.status).toBe('opened');
    if (out.status !== 'opened') return;
    const t = out.ticket;
    expect(t).toMatchObject({
      tier: 'enterprise',
      priority: 'P1',
      domain: 'integrations',
      queue: 'enterprise-engineering',
      status: 'new',
    });
    expect(t.card).toEqual({ platform: 'slack', channelId: 'C0ENTENG01', messageRef: null });
    expect(t.routeReasons.join(' ')).toMatch(/integrations/);
    expect(t.triageReasons.join(' ')).toMatch(/enterprise/);
    // 24x7 calendar, P1 first response 15 min, resolution 240 min, from 15:00Z.
    expect(t.sla.clocks.first_response?.dueAt).toBe(Date.parse('2026-03-02T15:15:00Z'));
    expect(t.sla.clocks.resolution?.dueAt).toBe(Date.parse('2026-03-02T19:00:00Z'));
    // The first warning (0.5 of 15 min) is what the SLA tick must look at next.
    expect(t.slaNextCheckAt).toBe(Date.parse('2026-03-02T15:07:30Z'));

    const outbox = await app.rows<{ payload: { kind: string; text?: string; channelId: string } }>(
      'select payload from outbox order by id',
    );
    expect(outbox.map((o) => o.payload.kind)).toEqual(['thread_reply', 'ticket_card']);
    expect(outbox[0]!.payload.text).toContain(`ticket #${t.id}`);
    expect(outbox[0]!.payload.text).toContain(
      'Enterprise · P1 · integrations — first response due by 15:15 UTC',
    );
    expect(outbox[1]!.payload.channelId).toBe('C0ENTENG01');
    const events = await app.rows<{ type: string }>('select type from ticket_events order by id');
    expect(events.map((e) => e.type)).toEqual(['opened', 'message_added']);
    const clocks = await app.rows<{ kind: string }>('select kind from sla_clocks order by kind');
    expect(clocks.map((c) => c.kind)).toEqual(['first_response', 'resolution']);
  });

  it('raises priority when a critical system is named and routes security by domain', async () => {
    const out = await open('Our SSO login fails with a SAML error since this morning');
    if (out.status !== 'opened') throw new Error(out.status);
    expect(out.ticket).toMatchObject({ domain: 'security', queue: 'security', priority: 'P1' });
    expect(out.ticket.triageReasons.join(' ')).toMatch(/critical system 'sso'/);
  });

  it('caps priority at the tier entitlement (starter: P2 at most) and uses its calendar', async () => {
    const out = await open('Everything is down, outage!', {
      channelId: 'C0INITECH1',
      author: { externalId: 'U0MIAINT01', displayName: 'Mia', workspaceId: 'T0INITECH1' },
    });
    if (out.status !== 'opened') throw new Error(out.status);
    expect(out.ticket).toMatchObject({ tier: 'starter', priority: 'P2', queue: 'frontline' });
    // eu-office: Mon 16:00 Berlin (15:00Z) + 480 business min → 16:00–17:00 Mon (60), Tue 09:00–12:30 (210), 13:30–17:00 (210) = 480
    expect(out.ticket.sla.clocks.first_response?.dueAt).toBe(Date.parse('2026-03-03T16:00:00Z'));
  });

  it('is idempotent on the platform message id, also under concurrency', async () => {
    const m = message('Webhooks are failing with 502 response', { messageId: '1772463600.000200' });
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => openTicket(app.deps, m)));
    const statuses = results.map((r) => (r.ok ? r.value.status : r.error.code)).sort();
    expect(statuses).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'opened']);
    expect(await app.rows('select id from tickets')).toHaveLength(1);
    expect(await app.rows('select id from outbox')).toHaveLength(2);
  });

  it('opens a flood arriving together in shared transactions, each message with its own outcome', async () => {
    const burst: InboundMessage[] = Array.from({ length: 12 }, (_, i) =>
      message(`Webhooks fail with 502 for order batch ${i}`, {
        messageId: `1772463600.0003${String(i).padStart(2, '0')}`,
        // Six first-time customers, each writing twice.
        author: { externalId: `U0FLOOD00${i % 6}`, displayName: `Flood ${i % 6}`, workspaceId: 'T0NORTHWND' },
      }),
    );
    const noise = [
      message('hello', { channelId: 'C0NOTLINKD' }),
      burst[3]!, // a platform retry of a message in the same burst
    ];
    const results = await Promise.all([...burst, ...noise].map((m) => openTicket(app.deps, m)));
    const outcomes = results.map((r) => (r.ok ? r.value.status : r.error.code));
    expect(outcomes).toEqual([...burst.map(() => 'opened'), 'ignored', 'duplicate']);
    const opened = results
      .slice(0, 12)
      .map((r) => (r.ok && r.value.status === 'opened' ? r.value.ticket : null));
    const retried = results[13]!;
    expect(retried.ok && retried.value.status === 'duplicate' && retried.value.ticket.id).toBe(opened[3]!.id);
    // One ticket, one customer message, two events and two outbox rows per message; one person per customer.
    expect(await app.rows('select id from tickets')).toHaveLength(12);
    expect(await app.rows('select id from ticket_messages')).toHaveLength(12);
    expect(await app.rows('select id from ticket_events')).toHaveLength(24);
    expect(await app.rows('select id from outbox')).toHaveLength(24);
    expect(await app.rows("select id from people where handle like 'slack:U0FLOOD%'")).toHaveLength(6);
    expect(await app.rows('select distinct ticket_id from sla_clocks')).toHaveLength(12);
    // Each ticket's events point at its own message.
    const mismatched = await app.rows(
      `select e.id from ticket_events e join ticket_messages m on m.id = (e.data->>'messageId')::int
       where e.type = 'message_added' and m.ticket_id <> e.ticket_id`,
    );
    expect(mismatched).toHaveLength(0);
  });

  it('two replicas given the same burst in opposite orders open each message once', async () => {
    const warnings: string[] = [];
    const replica = (): typeof app.deps => ({
      ...app.deps,
      logger: { ...app.deps.logger, warn: (_o: object, msg?: string) => warnings.push(msg ?? '') },
    });
    const burst = Array.from({ length: 10 }, (_, i) =>
      message(`Webhooks fail with 502 for batch ${i}`, {
        messageId: `1772463600.0005${String(i).padStart(2, '0')}`,
      }),
    );
    const [a, b] = [replica(), replica()];
    const results = await Promise.all([
      ...burst.map((m) => openTicket(a, m)),
      ...[...burst].reverse().map((m) => openTicket(b, m)),
    ]);
    const statuses = results.map((r) => (r.ok ? r.value.status : 'failed'));
    expect(statuses.filter((s) => s === 'opened')).toHaveLength(10);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(10);
    expect(await app.rows('select id from tickets')).toHaveLength(10);
    expect(await app.rows('select id from outbox')).toHaveLength(20);
    expect(await app.rows('select id from ticket_messages')).toHaveLength(10);
    expect(await app.rows('select id from ticket_events')).toHaveLength(20);
    expect(await app.rows('select distinct ticket_id from sla_clocks')).toHaveLength(10);
    expect(warnings).toEqual([]);
  });

  it('a ticket another replica opened between the reads and the write is skipped with all its rows', async () => {
    const first = await open('Webhooks fail with 502', { messageId: '1772463600.000600' });
    if (first.status !== 'opened') throw new Error(first.status);
    // What a second replica that read before the first one wrote would write: the same origin
    // under numbers of its own, beside a message nobody opened yet.
    const written = await app.deps.store.withoutTransaction(async (uow) => {
      const ids = await uow.intake.reserveIds(2);
      const entry = (ticket: TicketRecord, n: { ticketId: number; messageId: number }): OpeningTicket => {
        const t = { ...ticket, id: n.ticketId };
        return {
          ticket: t,
          message: {
            id: n.messageId,
            ticketId: t.id,
            platform: 'slack',
            externalId: t.origin.messageId,
            authorId: t.requesterId,
            authorKind: 'customer',
            visibility: 'public',
            text: t.description,
            createdAt: t.createdAt,
          },
          actorId: t.requesterId,
          events: [
            { type: 'message_added', messageId: n.messageId, authorKind: 'customer', visibility: 'public' },
          ],
          outbox: [threadReply(t, 'opened', `ticket #${t.id}`)],
        };
      };
      const fresh = { ...first.ticket, origin: { ...first.ticket.origin, messageId: '1772463600.000601' } };
      return uow.intake.open([entry(first.ticket, ids[0]!), entry(fresh, ids[1]!)], Date.now());
    });
    expect(written.map((t) => t.origin.messageId)).toEqual(['1772463600.000601']);
    const skipped = written[0]!.id - 1;
    for (const table of ['tickets', 'ticket_messages', 'ticket_events', 'sla_clocks', 'outbox'])
      expect(
        await app.rows(
          `select 1 from ${table} where ${table === 'tickets' ? 'id' : 'ticket_id'} = ${skipped}`,
        ),
        table,
      ).toEqual([]);
    expect(await app.rows('select id from tickets')).toHaveLength(2);
  });

  it('🎫 on a message another ticket already holds opens a ticket without storing the message twice', async () => {
    const first = await open('Webhooks fail with 502', {
      messageId: '1772463600.000700',
      threadRef: '1772463600.000700',
    });
    if (first.status !== 'opened') throw new Error(first.status);
    // The customer's reply in that ticket's thread, stored as its message.
    const reply = await addMessage(app.deps, {
      platform: 'slack',
      channelId: 'C0NORTHWND',
      threadRef: '1772463600.000700',
      messageId: '1772463600.000701',
      author: ines,
      text: 'Also the SSO login fails now',
    });
    expect(reply.ok && reply.value.status).toBe('added');
    const second = await open('Also the SSO login fails now', {
      messageId: '1772463600.000701',
      trigger: 'reaction',
    });
    expect(second.status).toBe('opened');
    expect(
      await app.rows("select id from ticket_messages where external_id = '1772463600.000701'"),
    ).toHaveLength(1);
    // Every message_added event points at a stored message.
    expect(
      await app.rows(
        "select e.id from ticket_events e left join ticket_messages m on m.id = (e.data->>'messageId')::bigint where e.type = 'message_added' and m.id is null",
      ),
    ).toEqual([]);
  });

  it('a message the database refuses fails alone; the rest of its batch still opens', async () => {
    // A real constraint, as an operator's check or a future migration might add one.
    await app.rows(
      "alter table tickets add constraint test_no_poison check (description not like '%POISON%') not valid",
    );
    try {
      const texts = ['Webhooks fail with 502', 'POISON payload', 'SSO login fails for everyone'];
      const results = await Promise.allSettled(
        texts.map((t, i) => openTicket(app.deps, message(t, { messageId: `1772463600.00040${i}` }))),
      );
      expect(
        results.map((r) => (r.status === 'fulfilled' && r.value.ok ? r.value.value.status : 'failed')),
      ).toEqual(['opened', 'failed', 'opened']);
      const rows = await app.rows<{ description: string }>('select description from tickets order by id');
      expect(rows.map((r) => r.description)).toEqual([texts[0], texts[2]]);
    } finally {
      await app.rows('alter table tickets drop constraint test_no_poison');
    }
  });

  it('ignores unlinked channels and top-level staff messages; 🎫 on a staff message opens one', async () => {
    expect(await open('hello', { channelId: 'C0NOTLINKD' })).toEqual({
      status: 'ignored',
      reason: 'channel_not_linked',
    });
    const priya = { externalId: 'U0PRIYA001', displayName: 'Priya', workspaceId: 'T0VENDOR01' };
    expect(await open('FYI maintenance tonight', { author: priya })).toEqual({
      status: 'ignored',
      reason: 'staff_message',
    });
    const byReaction = await open('FYI maintenance tonight', { author: priya, trigger: 'reaction' });
    expect(byReaction.status).toBe('opened');
    expect(await app.rows('select id from tickets')).toHaveLength(1);
  });

  it('one batch from several channels and platforms: each ticket belongs to its channel’s organization', async () => {
    const batch = [
      message('Exports fail with a timeout', { channelId: 'C0GLOBEX01' }),
      message('Invoices show the wrong currency'),
      message('Webhooks arrive twice', { platform: 'discord', channelId: '1200000000000000003' }),
      message('Reports are slow', { channelId: 'C0INITECH1' }),
      message('hello', { channelId: 'C0NOTLINKD' }),
    ];
    expect(await statusesOf(batch)).toEqual(['opened', 'opened', 'opened', 'opened', 'ignored']);
    const rows = await app.rows<{ description: string; name: string }>(
      'select t.description, o.name from tickets t join organizations o on o.id = t.organization_id order by t.id',
    );
    const byText = Object.fromEntries(rows.map((r) => [r.description, r.name]));
    expect(byText).toEqual({
      'Exports fail with a timeout': expect.stringMatching(/globex/i),
      'Invoices show the wrong currency': expect.stringMatching(/northwind/i),
      'Webhooks arrive twice': expect.stringMatching(/initech/i),
      'Reports are slow': expect.stringMatching(/initech/i),
    });
  });

  it('staff talk and unlinked channels in a batch use no ticket numbers', async () => {
    const priya = { externalId: 'U0PRIYA001', displayName: 'Priya', workspaceId: 'T0VENDOR01' };
    const batch = [
      message('FYI maintenance tonight', { author: priya }),
      message('Exports fail with a timeout'),
      message('On it, looking now', { author: priya }),
      message('hello', { channelId: 'C0NOTLINKD' }),
      message('Invoices show the wrong currency'),
    ];
    expect(await statusesOf(batch)).toEqual(['ignored', 'opened', 'ignored', 'ignored', 'opened']);
    const later = await open('Webhooks arrive twice');
    const ids = (await app.rows<{ id: number }>('select id from tickets order by id')).map((r) =>
      Number(r.id),
    );
    expect(ids).toHaveLength(3);
    // Consecutive: the three ignored messages reserved no numbers.
    expect(ids[1]! - ids[0]!).toBe(1);
    expect(ids[2]! - ids[1]!).toBe(1);
    expect(later.status === 'opened' && later.ticket.id).toBe(ids[2]);
  });

  it('numbers reserved before the reads (external authors, 🎫) and after them (the rest) stay consecutive', async () => {
    const priya = { externalId: 'U0PRIYA001', displayName: 'Priya', workspaceId: 'T0VENDOR01' };
    const external = { ...ines, external: true };
    const batch = [
      message('Exports fail with a timeout', { author: external }),
      message('Invoices show the wrong currency'),
      message('FYI maintenance tonight', { author: priya, trigger: 'reaction' }),
      message('SSO login fails', { author: { ...external, externalId: 'U0NEWEXT01', displayName: 'New' } }),
      message('On it, looking now', { author: priya }),
    ];
    expect(await statusesOf(batch)).toEqual(['opened', 'opened', 'opened', 'opened', 'ignored']);
    const ids = (await app.rows<{ id: number }>('select id from tickets order by id')).map((r) =>
      Number(r.id),
    );
    expect(ids).toHaveLength(4);
    expect(ids[3]! - ids[0]!).toBe(3);
  });

  it('ranks specialists by their open tickets, counted in the first round of reads', async () => {
    const first = await open('Webhooks fail with 502 for every order');
    if (first.status !== 'opened') throw new Error(first.status);
    const jun = first.ticket.candidates.find((c) => c.handle === 'jun');
    expect(jun?.reasons).toContain('0 open tickets');
    const claimed = await claimTicket(app.deps, {
      actor: { platform: 'slack', externalId: 'U0JUN00001' },
      ticketId: first.ticket.id,
    });
    expect(claimed.ok).toBe(true);
    const second = await open('Webhooks arrive twice since the upgrade');
    if (second.status !== 'opened') throw new Error(second.status);
    expect(second.ticket.domain).toBe('integrations');
    expect(second.ticket.candidates.find((c) => c.handle === 'jun')?.reasons).toContain('1 open ticket');
    expect(second.ticket.candidates.find((c) => c.handle === 'priya')?.reasons).toContain('0 open tickets');
  });

  it('registers an unknown author in a linked channel as a customer of that organization', async () => {
    const out = await open('How do I export a CSV of invoices?', {
      author: { externalId: 'U0NEWGUY01', displayName: 'New Guy', workspaceId: 'T0NORTHWND' },
    });
    if (out.status !== 'opened') throw new Error(out.status);
    const [person] = await app.rows<{ handle: string; roles: string[]; organization_id: number }>(
      "select handle, roles, organization_id from people where handle = 'slack:U0NEWGUY01'",
    );
    expect(person?.roles).toEqual(['customer']);
    expect(person?.organization_id).toBe(out.ticket.organizationId);
  });

  it('uses a channel tier override over the organization tier', async () => {
    await app.rows("update channel_links set tier_override = 'business' where channel_id = 'C0NORTHWND'");
    const out = await open('Reports are slow to load');
    if (out.status !== 'opened') throw new Error(out.status);
    expect(out.ticket.tier).toBe('business');
    expect(out.ticket.policySnapshot.calendar.name).toBe('us-business');
  });
});
