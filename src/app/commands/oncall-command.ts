import { DateTime } from 'luxon';
import type { AppDeps } from '../deps.js';
import { listOnCall, type OnCallPerson } from '../oncall/list-oncall.js';
import { overrideOnCall } from '../oncall/override-oncall.js';
import type { ActorRef } from '../shared/actors.js';
import type { CommandReply } from './ticket-command.js';

const ONCALL_USAGE = [
  'Usage: /oncall                                        who is on call now and next, per rotation',
  '       /oncall override @person <duration> [rotation]  the person takes the pages from now (e.g. 4h, 90m, 1d)',
].join('\n');

/** Runs `/oncall`; `mention` renders a person for the platform (e.g. `<@U123>`). */
export async function handleOnCallCommand(
  deps: AppDeps,
  actor: ActorRef,
  text: string,
  mention: (p: OnCallPerson) => string,
): Promise<CommandReply> {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words[0]?.toLowerCase() === 'override') return override(deps, actor, words.slice(1));
  if (words.length > 0)
    return { ok: false, text: `Unknown /oncall command "${words[0]}".\n\n${ONCALL_USAGE}` };
  const r = await listOnCall(deps, actor.platform);
  if (!r.ok) return { ok: false, text: r.error.message };
  if (r.value.length === 0) return { ok: true, text: 'No on-call rotations are configured.' };
  const fmt = (ms: number, zone: string) =>
    DateTime.fromMillis(ms, { zone }).toFormat('ccc d LLL HH:mm ZZZZ');
  const lines = r.value.map((l) => {
    const now = l.now
      ? `${mention(l.now)} until ${fmt(l.now.until, l.timezone)}${l.now.via === 'override' ? ' (override)' : ''}`
      : 'nobody';
    const next = l.next ? `, then ${mention(l.next)} from ${fmt(l.next.from, l.timezone)}` : '';
    return `*${l.rotation}*: ${now}${next}`;
  });
  return { ok: true, text: lines.join('\n') };
}

async function override(deps: AppDeps, actor: ActorRef, args: string[]): Promise<CommandReply> {
  const [who, duration, rotation, extra] = args;
  if (!who?.startsWith('@') || !duration || extra !== undefined)
    return { ok: false, text: `override needs @person and a duration.\n\n${ONCALL_USAGE}` };
  const r = await overrideOnCall(deps, {
    actor,
    person: { platform: actor.platform, externalId: who.slice(1) },
    duration,
    rotation: rotation ?? null,
  });
  if (!r.ok) return { ok: false, text: `${r.error.message}\n\n${ONCALL_USAGE}` };
  const until = DateTime.fromMillis(r.value.until, { zone: 'UTC' }).toFormat('ccc d LLL HH:mm ZZZZ');
  return { ok: true, text: `${r.value.person} is on call for ${r.value.rotation} until ${until}.` };
}
