/** `/ticket …` text → a typed command. Platform adapters first turn mentions into `@<platform user id>`. */

import type { OrgRef } from '../intake/open-ticket-by-command.js';

export type TicketVerb =
  | 'claim'
  | 'unclaim'
  | 'assign'
  | 'priority'
  | 'waiting'
  | 'open'
  | 'resolve'
  | 'reopen'
  | 'escalate'
  | 'note'
  | 'ack'
  | 'show'
  | 'new';

export type ParsedTicketCommand =
  | { verb: 'claim' | 'unclaim' | 'waiting' | 'open' | 'reopen' | 'ack' | 'show'; id: number | null }
  | { verb: 'assign'; id: number | null; assignee: string }
  | { verb: 'priority'; id: number | null; priority: string }
  | { verb: 'resolve'; id: number | null; note: string | null }
  | { verb: 'escalate'; id: number | null; reason: string | null }
  | { verb: 'note'; id: number | null; text: string }
  | { verb: 'new'; org: OrgRef | null; text: string };

export const TICKET_USAGE = [
  'Usage: /ticket <command> [#id] …  (inside a ticket thread the #id may be left out)',
  '  claim [#id]              take the ticket',
  '  unclaim [#id]            give it back to the queue',
  '  assign [#id] @person     hand it to another agent',
  '  priority [#id] P1..P4    change its priority (deadlines keep the time already spent)',
  '  waiting [#id]            waiting on the customer (update and resolution clocks pause)',
  '  open [#id]               back to work after waiting',
  '  resolve [#id] [note]     resolve it and tell the customer',
  '  reopen [#id]             reopen a resolved ticket',
  '  escalate [#id] [reason]  page the escalation chain now',
  '  note [#id] <text>        internal note, never shown to the customer',
  '  ack [#id]                acknowledge a page (stops the escalation)',
  '  show [#id]               show the ticket',
  "  new [org=<name>] <text>  open a ticket for this channel's organization (no text: a form on",
  '                           Slack and Discord); staff add org= for a request by phone or email',
].join('\n');

export type ParseResult = { ok: true; command: ParsedTicketCommand } | { ok: false; message: string };

const VERBS: readonly TicketVerb[] = [
  'claim',
  'unclaim',
  'assign',
  'priority',
  'waiting',
  'open',
  'resolve',
  'reopen',
  'escalate',
  'note',
  'ack',
  'show',
  'new',
];

function takeId(words: string[]): { id: number | null; rest: string[] } | { error: string } {
  const first = words[0];
  if (first === undefined || !/^#?\d+$/.test(first)) return { id: null, rest: words };
  const id = Number(first.replace('#', ''));
  if (!Number.isSafeInteger(id) || id <= 0) return { error: `"${first}" is not a ticket number` };
  return { id, rest: words.slice(1) };
}

const fail = (message: string): ParseResult => ({ ok: false, message });

/** Parses the text after `/ticket`. Errors say what was wrong; callers add the usage. */
export function parseTicketCommand(text: string): ParseResult {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const verb = words[0]?.toLowerCase();
  if (!verb) return fail('Tell me what to do with the ticket.');
  if (!(VERBS as readonly string[]).includes(verb)) return fail(`Unknown command "${words[0]}".`);
  // The request is free text, line breaks kept: a leading "#12" in it is no ticket number.
  if (verb === 'new') return parseNew(text.trim().slice(words[0]!.length).trim());
  const taken = takeId(words.slice(1));
  if ('error' in taken) return fail(`${taken.error}.`);
  const { id, rest } = taken;
  const tail = rest.join(' ').trim();
  switch (verb as TicketVerb) {
    case 'assign': {
      const who = rest[0];
      if (!who?.startsWith('@') || rest.length > 1) return fail('assign needs exactly one @person.');
      return { ok: true, command: { verb: 'assign', id, assignee: who.slice(1) } };
    }
    case 'priority':
      if (rest.length !== 1) return fail('priority needs one of P1, P2, P3, P4.');
      return { ok: true, command: { verb: 'priority', id, priority: rest[0]! } };
    case 'resolve':
      return { ok: true, command: { verb: 'resolve', id, note: tail || null } };
    case 'escalate':
      return { ok: true, command: { verb: 'escalate', id, reason: tail || null } };
    case 'note':
      if (!tail) return fail('note needs some text.');
      return { ok: true, command: { verb: 'note', id, text: tail } };
    default:
      if (rest.length > 0)
        return fail(`${verb} takes no arguments besides the ticket number (got "${tail}").`);
      return { ok: true, command: { verb: verb as 'claim', id } };
  }
}

/** `new [org=<name> | org="<name>"] [text]`; the text may be empty (the adapter then shows a form). */
function parseNew(rest: string): ParseResult {
  const quoted = /^org="([^"]*)"(?:\s+|$)([\s\S]*)$/i.exec(rest);
  if (quoted) {
    const name = quoted[1]!.trim();
    if (!name) return fail("org= needs the organization's name.");
    return { ok: true, command: { verb: 'new', org: { exact: name }, text: quoted[2]!.trim() } };
  }
  const bare = /^org=(\S[\s\S]*)?$/i.exec(rest);
  if (bare) {
    if (!bare[1]) return fail("org= needs the organization's name.");
    return { ok: true, command: { verb: 'new', org: { leading: bare[1] }, text: '' } };
  }
  return { ok: true, command: { verb: 'new', org: null, text: rest } };
}
