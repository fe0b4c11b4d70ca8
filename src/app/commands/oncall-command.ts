import type { AppDeps } from '../deps.js';
import { listOnCall, type OnCallLine, type OnCallPerson } from '../oncall/list-oncall.js';
import { overrideOnCall } from '../oncall/override-oncall.js';
import type { ActorRef } from '../shared/actors.js';
import { plainText, type RichSpan, type RichText } from '../shared/rich-text.js';
import { formatDayAndTime } from '../shared/wording.js';
import type { CommandReply } from './command-reply.js';

const ONCALL_USAGE = [
  'Usage: /oncall                                        who is on call now and next, per rotation',
  '       /oncall override @person <duration> [rotation]  the person takes the pages from now (e.g. 4h, 90m, 1d)',
].join('\n');

const mention = (p: OnCallPerson): RichSpan => ({ mention: p.platformUserId, name: p.name });

/** "sre-primary: @Jun until Mon 9 Mar 10:00 EDT, then @Priya from Mon 9 Mar 10:00 EDT", rotation in bold. */
function rotationLine(l: OnCallLine): RichText {
  const line: RichText = [{ bold: l.rotation }, ': '];
  if (l.now) {
    line.push(mention(l.now), ` until ${formatDayAndTime(l.now.until, l.timezone)}`);
    if (l.now.via === 'override') line.push(' (override)');
  } else line.push('nobody');
  if (l.next) line.push(', then ', mention(l.next), ` from ${formatDayAndTime(l.next.from, l.timezone)}`);
  return line;
}

/**
 * Runs `/oncall`. The list comes back as rich text (`rich`), which each adapter renders in its
 * platform's markup with mentions of the people on call; `text` is the same without formatting.
 */
export async function handleOnCallCommand(
  deps: AppDeps,
  actor: ActorRef,
  text: string,
): Promise<CommandReply> {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words[0]?.toLowerCase() === 'override') return override(deps, actor, words.slice(1));
  if (words.length > 0)
    return { ok: false, text: `Unknown /oncall command "${words[0]}".\n\n${ONCALL_USAGE}` };
  const r = await listOnCall(deps, actor.platform);
  if (!r.ok) return { ok: false, text: r.error.message };
  if (r.value.length === 0) return { ok: true, text: 'No on-call rotations are configured.' };
  const rich = r.value.flatMap((l, i) => [...(i > 0 ? ['\n'] : []), ...rotationLine(l)]);
  return { ok: true, text: plainText(rich), rich };
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
  const until = formatDayAndTime(r.value.until, r.value.timezone);
  return { ok: true, text: `${r.value.person} is on call for ${r.value.rotation} until ${until}.` };
}
