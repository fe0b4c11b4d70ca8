import type { Platform } from '../../domain/policy.js';
import type { AppDeps } from '../deps.js';
import { linkChannel, unlinkChannel, whoAmI } from '../directory/link-channel.js';
import type { ActorRef } from '../shared/actors.js';
import type { CommandReply } from './command-reply.js';

export const SUPPORT_USAGE = [
  'Usage: /support <command>',
  '  link #channel org=<organization name> [tier=<tier>]   link a customer channel (admins)',
  '  unlink [#channel]                                     unlink it (admins; default: this channel)',
  '  whoami                                                who tierdesk thinks you are',
].join('\n');

const usage = (message: string): CommandReply => ({ ok: false, text: `${message}\n\n${SUPPORT_USAGE}` });

/** `org=Northwind Bank tier=enterprise` → fields; values may contain spaces (up to the next key=). */
export function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /(\w+)=("([^"]*)"|(.*?))(?=\s+\w+=|$)/g;
  for (const m of text.matchAll(re)) out[m[1]!.toLowerCase()] = (m[3] ?? m[4] ?? '').trim();
  return out;
}

/**
 * Runs a `/support` command. Adapters turn a channel mention into `#<channel id>`; `here` is the
 * channel the command was typed in.
 */
export async function handleSupportCommand(
  deps: AppDeps,
  ctx: { actor: ActorRef; platform: Platform; here: string },
  text: string,
): Promise<CommandReply> {
  const [verb, ...rest] = text.trim().split(/\s+/).filter(Boolean);
  switch (verb?.toLowerCase()) {
    case 'link': {
      const channel = rest[0]?.startsWith('#') ? rest[0].slice(1) : null;
      if (!channel) return usage('link needs the #channel first.');
      const kv = parseKeyValues(rest.slice(1).join(' '));
      if (!kv.org) return usage('link needs org=<organization name>.');
      const r = await linkChannel(deps, {
        actor: ctx.actor,
        platform: ctx.platform,
        channelId: channel,
        organization: kv.org,
        tier: kv.tier ?? null,
      });
      if (!r.ok) return usage(r.error.message);
      return {
        ok: true,
        text: `Linked <#${channel}> to ${r.value.organization}${r.value.tier ? ` (tier ${r.value.tier})` : ''}. Customer messages there now open tickets.`,
      };
    }
    case 'unlink': {
      const channel = rest[0]?.startsWith('#') ? rest[0].slice(1) : ctx.here;
      const r = await unlinkChannel(deps, { actor: ctx.actor, platform: ctx.platform, channelId: channel });
      return r.ok ? { ok: true, text: `Unlinked <#${channel}>.` } : usage(r.error.message);
    }
    case 'whoami': {
      const r = await whoAmI(deps, ctx.actor);
      if (!r.ok) return usage(r.error.message);
      const me = r.value;
      if (!me)
        return {
          ok: true,
          text: 'tierdesk does not know you yet: you count as a customer in linked channels.',
        };
      return {
        ok: true,
        text: `You are ${me.name} (${me.handle}); roles: ${me.roles.join(', ')}${me.organization ? `; organization: ${me.organization}` : ''}.`,
      };
    }
    default:
      return usage(verb ? `Unknown command "${verb}".` : 'Tell me what to do.');
  }
}
