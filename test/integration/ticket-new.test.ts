import { describe, expect, it } from 'vitest';
import { type CommandContext, handleTicketCommand } from '../../src/app/commands/ticket-command.js';
import type { ActorRef } from '../../src/app/shared/actors.js';
import { useTestApp } from '../support/app.js';
import { TEST_DB_KIND } from '../support/database.js';

const app = useTestApp();

const ines: ActorRef = { platform: 'slack', externalId: 'U0INESNW01' }; // Northwind's customer
const kofi: ActorRef = { platform: 'slack', externalId: 'U0KOFIGX01' }; // Globex's customer
const priya: ActorRef = { platform: 'slack', externalId: 'U0PRIYA001' }; // staff
let seq = 0;

/** `/ticket new …` run by `actor` in `channel`, as the Slack adapter hands it over (forms allowed). */
function ticketNew(actor: ActorRef, channel: string, text: string, invocationId = `inv-${++seq}`) {
  const ctx: CommandContext = {
    actor,
    threadTicketId: null,
    newTicket: {
      actor,
      displayName: actor.externalId,
      workspaceId: null,
      channelId: channel,
      invocationId,
      form: true,
    },
  };
  return handleTicketCommand(app.deps, ctx, `new ${text}`.trim());
}

const outbox = () =>
  app.rows<{ key: string; payload: Record<string, unknown> }>(
    'select idempotency_key as key, payload from outbox order by id',
  );
const tickets = () =>
  app.rows<{
    id: number;
    organization_id: number;
    requester_id: number | null;
    origin_channel_id: string;
    origin_message_id: string;
    origin_thread_ref: string | null;
    priority: string;
    subject: string;
    description: string;
  }>(
    'select id::int as id, organization_id, requester_id, origin_channel_id, origin_message_id, origin_thread_ref, priority, subject, description from tickets order by id',
  );
const personId = async (externalId: string) =>
  Number(
    (
      await app.rows<{ id: number }>(
        `select person_id as id from identities where external_id = '${externalId}'`,
      )
    )[0]!.id,
  );

describe(`/ticket new (${TEST_DB_KIND})`, () => {
  it("a customer opens a ticket for the channel's organization: same triage and clocks, a root, a reply, a card", async () => {
    const r = await ticketNew(
      ines,
      'C0NORTHWND',
      'Production down: payments api outage for all customers',
      'T1',
    );
    expect(r).toMatchObject({ ok: true, ticketId: 1 });
    expect(r.text).toBe(
      'Ticket #1 is open: "Production down: payments api outage for all customers". The team answers in its thread in this channel.',
    );
    const [t] = await tickets();
    expect(t).toMatchObject({
      origin_channel_id: 'C0NORTHWND',
      origin_message_id: 'command:T1',
      origin_thread_ref: null,
      priority: 'P1',
      requester_id: await personId('U0INESNW01'),
    });
    const sent = await outbox();
    expect(sent.map((m) => m.key)).toEqual(['ticket:1:root', 'ticket:1:reply:opened', 'ticket:1:card:v1']);
    expect(sent[0]!.payload).toMatchObject({
      kind: 'ticket_root',
      channelId: 'C0NORTHWND',
      title: 'Ticket #1 — Production down: payments api outage for all customers',
      text: '🎫 Ticket #1: Production down: payments api outage for all customers\nOpened by Inés Alvarez (Northwind) with /ticket new.',
    });
    // The thread is known once the root is posted: the reply waits for it.
    expect(sent[1]!.payload).toMatchObject({ kind: 'thread_reply', threadRef: null });
    const [opened] = await app.rows<{ data: Record<string, unknown>; actor_id: number }>(
      "select data, actor_id from ticket_events where type = 'opened'",
    );
    expect(opened!.data).toMatchObject({ via: 'command', onBehalf: false, priority: 'P1' });
    expect(opened!.actor_id).toBe(await personId('U0INESNW01'));
    // The same invocation again (a retried form) opens nothing new.
    const again = await ticketNew(
      ines,
      'C0NORTHWND',
      'Production down: payments api outage for all customers',
      'T1',
    );
    expect(again.text).toBe('Ticket #1 was already opened from this request.');
    expect(await tickets()).toHaveLength(1);
  });

  it('staff open one for an organization (org=), in its channel; they are the opener, the organization the requester', async () => {
    const r = await ticketNew(
      priya,
      'C0ENTENG01',
      'org=northwind bank CSV exports fail since 9:00\nfor every user',
    );
    expect(r.ok).toBe(true);
    expect(r.text).toMatch(
      /^Ticket #1 is open for Northwind Bank: "CSV exports fail since 9:00"\. Its thread is in <#C0NORTHWND>/,
    );
    const [t] = await tickets();
    expect(t).toMatchObject({
      origin_channel_id: 'C0NORTHWND',
      requester_id: null,
      subject: 'CSV exports fail since 9:00',
      description: 'CSV exports fail since 9:00\nfor every user',
    });
    const [root] = await outbox();
    expect(root!.payload.text).toBe(
      '🎫 Ticket #1: CSV exports fail since 9:00\nOpened for Northwind Bank by Priya Raman (a request by phone or email).\n\nfor every user',
    );
    const [opened] = await app.rows<{ data: Record<string, unknown>; actor_id: number }>(
      "select data, actor_id from ticket_events where type = 'opened'",
    );
    expect(opened).toMatchObject({
      data: { via: 'command', onBehalf: true },
      actor_id: await personId('U0PRIYA001'),
    });
    // Quoted names are taken exactly; a staff member in a customer channel needs no org=.
    expect((await ticketNew(priya, 'C0ENTENG01', 'org="Globex Logistics" Label printing fails')).ok).toBe(
      true,
    );
    expect((await ticketNew(priya, 'C0INITECH1', 'Billing export is missing March')).ok).toBe(true);
    const orgs = await app.rows<{ name: string }>(
      'select o.name from tickets t join organizations o on o.id = t.organization_id order by t.id',
    );
    expect(orgs.map((o) => o.name)).toEqual(['Northwind Bank', 'Globex Logistics', 'Initech Studio']);
  });

  it('refuses, with a sentence and the usage, what a person may not do or what names nothing', async () => {
    const refused = async (actor: ActorRef, channel: string, text: string) => {
      const r = await ticketNew(actor, channel, text);
      expect(r.ok).toBe(false);
      expect(r.text).toContain('Usage: /ticket');
      return r.text.split('\n')[0];
    };
    expect(await refused(kofi, 'C0NORTHWND', 'Labels fail')).toMatch(
      /^This channel belongs to another organization/,
    );
    expect(await refused(ines, 'C0ENTENG01', 'Exports fail')).toMatch(
      /^This channel is not linked to an organization/,
    );
    expect(await refused(ines, 'C0NORTHWND', 'org=Globex Logistics Labels fail')).toMatch(
      /^Only support staff/,
    );
    expect(await refused(priya, 'C0ENTENG01', 'org=Nowhere Corp Exports fail')).toBe(
      'No organization is named "Nowhere Corp Exports fail"; write its name as in the directory, in quotes if it is followed by the request: org="Northwind Bank" …',
    );
    expect(await refused(priya, 'C0ENTENG01', 'Exports fail')).toMatch(
      /^This channel belongs to no organization: say which one/,
    );
    expect(await refused(priya, 'C0ENTENG01', 'org=')).toBe("org= needs the organization's name.");
    expect(await tickets()).toEqual([]);
  });

  it('no text: the form (organization prefilled for org=), or, where there is no form, the usage', async () => {
    expect(await ticketNew(ines, 'C0NORTHWND', '')).toEqual({ ok: true, text: '', form: { org: null } });
    expect(await ticketNew(priya, 'C0ENTENG01', 'org="Northwind Bank"')).toEqual({
      ok: true,
      text: '',
      form: { org: 'Northwind Bank' },
    });
    const noForm = await handleTicketCommand(
      app.deps,
      {
        actor: ines,
        threadTicketId: null,
        newTicket: {
          actor: ines,
          displayName: 'Inés',
          workspaceId: null,
          channelId: 'C0NORTHWND',
          invocationId: 'x',
          form: false,
        },
      },
      'new',
    );
    expect(noForm.text).toMatch(/^new needs the request: \/ticket new <what happened>\./);
  });
});
