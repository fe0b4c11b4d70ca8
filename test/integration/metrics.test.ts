import { beforeEach, describe, expect, it } from 'vitest';
import { outboxBacklog } from '../../src/app/delivery/outbox-backlog.js';
import type { AppDeps, Result } from '../../src/app/deps.js';
import { acknowledgeEscalation } from '../../src/app/escalation/acknowledge-escalation.js';
import { escalateTicket } from '../../src/app/escalation/escalate-ticket.js';
import { addMessage } from '../../src/app/intake/add-message.js';
import { type InboundMessage, openTicket } from '../../src/app/intake/open-ticket.js';
import { meteredStore } from '../../src/app/metrics/metered-store.js';
import type { ActorRef } from '../../src/app/shared/actors.js';
import { claimTicket } from '../../src/app/tickets/claim-ticket.js';
import { reopenTicket } from '../../src/app/tickets/reopen-ticket.js';
import { resolveTicket } from '../../src/app/tickets/resolve-ticket.js';
import type { TicketEvent } from '../../src/domain/ticket.js';
import * as slaTick from '../../src/jobs/sla-tick.js';
import { PrometheusMetrics } from '../../src/metrics/prometheus.js';
import { silentLogger } from '../../src/ports/logger.js';
import type { TicketRecord } from '../../src/ports/store.js';
import { useTestApp } from '../support/app.js';
import { TEST_DB_KIND } from '../support/database.js';
import { Scrape } from '../support/prometheus.js';

const app = useTestApp(); // Monday 2 March 2026, 15:00 UTC
const priya: ActorRef = { platform: 'slack', externalId: 'U0PRIYA001' };
const dana: ActorRef = { platform: 'slack', externalId: 'U0DANA0001' };
const ENTERPRISE_P1 = { tier: 'enterprise', priority: 'P1', platform: 'slack' };

let metrics: PrometheusMetrics;
let deps: AppDeps;
beforeEach(() => {
  metrics = new PrometheusMetrics({
    policy: app.deps.policy,
    backlog: () => outboxBacklog(deps, ['slack']),
    logger: silentLogger,
  });
  deps = { ...app.deps, metrics, store: meteredStore(app.deps.store, { metrics, logger: silentLogger }) };
});

const scrape = async () => new Scrape(await metrics.scrape());

function value<T>(r: Result<T>): T {
  if (!r.ok) throw r.error;
  return r.value;
}

let seq = 0;
const customers = {
  northwind: { channelId: 'C0NORTHWND', externalId: 'U0INESNW01', workspaceId: 'T0NORTHWND' },
  initech: { channelId: 'C0INITECH1', externalId: 'U0MIAINT01', workspaceId: 'T0INITECH1' },
};

function message(
  who: keyof typeof customers,
  text: string,
  messageId = `1772463600.${++seq}`,
): InboundMessage {
  const c = customers[who];
  return {
    platform: 'slack',
    channelId: c.channelId,
    messageId,
    threadRef: messageId,
    author: { externalId: c.externalId, displayName: who, workspaceId: c.workspaceId, external: true },
    text,
    trigger: 'message',
  };
}

async function open(who: keyof typeof customers, text: string): Promise<TicketRecord> {
  const out = value(await openTicket(deps, message(who, text)));
  if (out.status !== 'opened') throw new Error(out.status);
  return out.ticket;
}

function reply(t: TicketRecord, actor: ActorRef, text: string) {
  return addMessage(deps, {
    platform: 'slack',
    channelId: t.origin.channelId,
    threadRef: t.origin.threadRef!,
    messageId: `1772463700.${++seq}`,
    author: { externalId: actor.externalId, displayName: actor.externalId, workspaceId: null },
    text,
  });
}

describe(`metrics observed from committed changes (${TEST_DB_KIND})`, () => {
  it('counts a ticket opened once, however often its message arrives', async () => {
    const m = message('northwind', 'Production down: payments api outage');
    await openTicket(deps, m);
    await openTicket(deps, m); // Slack's retry of the same event
    const s = await scrape();
    expect(s.value('tierdesk_tickets_opened_total', ENTERPRISE_P1)).toBe(1);
    expect(s.family('tierdesk_tickets_opened_total').metrics).toHaveLength(1);
  });

  it('measures the first response and the first resolution against the tier targets', async () => {
    const t = await open('northwind', 'Production down: payments api outage');
    app.clock.advanceMinutes(5);
    value(await reply(t, priya, 'On it'));
    app.clock.advanceMinutes(55);
    value(await resolveTicket(deps, { actor: priya, ticketId: t.id, note: null }));
    let s = await scrape();
    const fr = s.histogram('tierdesk_first_response_business_seconds', ENTERPRISE_P1);
    expect(fr).toMatchObject({ count: 1, sum: 300 });
    expect(fr.buckets['900']).toBe(1); // enterprise P1: 15 minutes
    const res = s.histogram('tierdesk_resolution_business_seconds', ENTERPRISE_P1);
    expect(res).toMatchObject({ count: 1, sum: 3600 });
    expect(res.buckets['14400']).toBe(1); // enterprise P1: 240 minutes

    // A reopened ticket resolved again is not a second first resolution.
    value(await reopenTicket(deps, { actor: priya, ticketId: t.id }));
    app.clock.advanceMinutes(10);
    value(await resolveTicket(deps, { actor: priya, ticketId: t.id, note: null }));
    s = await scrape();
    expect(s.histogram('tierdesk_resolution_business_seconds', ENTERPRISE_P1).count).toBe(1);
  });

  it('measures business seconds on the ticket’s own calendar, not the wall clock', async () => {
    // Initech is Starter, on the eu-office calendar: Monday 16:00 Berlin, open until 17:00.
    const t = await open('initech', 'How do I export a report as csv?');
    app.clock.set('2026-03-03T08:30:00Z'); // Tuesday 09:30 Berlin: 17.5 h later, 1.5 h of it open
    value(await reply(t, priya, 'Here is how'));
    const s = await scrape();
    const h = s.histogram('tierdesk_first_response_business_seconds', {
      tier: 'starter',
      priority: t.priority,
    });
    expect(h).toMatchObject({ count: 1, sum: 5400 });
  });

  it('observes the acknowledgement once: the claim, not the reply after it', async () => {
    const t = await open('northwind', 'Production down: payments api outage');
    app.clock.advanceMinutes(2);
    value(await claimTicket(deps, { actor: priya, ticketId: t.id }));
    app.clock.advanceMinutes(3);
    value(await reply(t, priya, 'On it'));
    const h = (await scrape()).histogram('tierdesk_time_to_acknowledge_seconds', ENTERPRISE_P1);
    expect(h).toMatchObject({ count: 1, sum: 120 });
  });

  it('counts pages, breaches and acknowledgements, and times the SLA tick', async () => {
    const t = await open('northwind', 'Production down: payments api outage');
    value(await escalateTicket(deps, { actor: priya, ticketId: t.id, reason: null }));
    await slaTick.run(deps, app.clock.now()); // the chain's first page
    app.clock.advanceMinutes(16); // past the 15-minute first response
    await slaTick.run(deps, app.clock.now()); // breach; the chain repages at 10 min
    app.clock.advanceMinutes(1);
    value(await acknowledgeEscalation(deps, { actor: dana, ticketId: t.id }));
    const s = await scrape();
    expect(s.value('tierdesk_pages_sent_total', ENTERPRISE_P1)).toBe(2);
    expect(s.value('tierdesk_sla_breaches_total', { ...ENTERPRISE_P1, clock: 'first_response' })).toBe(1);
    expect(s.value('tierdesk_pages_acknowledged_total', ENTERPRISE_P1)).toBe(1);
    // From the first page, not the repeat: 17 minutes, past the 10-minute bound where it repaged.
    const ack = s.histogram('tierdesk_page_acknowledge_seconds', ENTERPRISE_P1);
    expect(ack).toMatchObject({ count: 1, sum: 1020 });
    expect(ack.buckets['600']).toBe(0);
    expect(ack.buckets['1200']).toBe(1);
    expect(s.histogram('tierdesk_sla_tick_duration_seconds').count).toBe(2);
  });

  it('reports nothing of a transaction that rolls back', async () => {
    const t = await open('northwind', 'Production down: payments api outage');
    const page: TicketEvent = {
      type: 'page_sent',
      level: 0,
      levelName: 'Primary',
      attempt: 1,
      recipients: [],
    };
    await expect(
      deps.store.transaction(async (uow) => {
        await uow.events.append(t.id, [page], app.clock.now(), null);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await scrape()).value('tierdesk_pages_sent_total', ENTERPRISE_P1)).toBe(0);
    await deps.store.transaction((uow) => uow.events.append(t.id, [page], app.clock.now(), null));
    expect((await scrape()).value('tierdesk_pages_sent_total', ENTERPRISE_P1)).toBe(1);
  });

  it('reads the outbox backlog from the database at each scrape', async () => {
    let s = await scrape();
    expect(s.value('tierdesk_outbox_pending_messages', { platform: 'slack' })).toBe(0);
    await open('northwind', 'Production down: payments api outage'); // a reply and a card, undelivered
    app.clock.advanceMinutes(5);
    s = await scrape();
    expect(s.value('tierdesk_outbox_pending_messages', { platform: 'slack' })).toBe(2);
    expect(s.value('tierdesk_outbox_oldest_pending_age_seconds', { platform: 'slack' })).toBe(300);
  });
});
