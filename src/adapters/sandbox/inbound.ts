import { type CardAction, runCardAction } from '../../app/commands/card-action.js';
import { handleOnCallCommand } from '../../app/commands/oncall-command.js';
import { handleSupportCommand } from '../../app/commands/support-command.js';
import {
  type CommandReply,
  handleTicketCommand,
  internalErrorReply,
} from '../../app/commands/ticket-command.js';
import type { AppDeps } from '../../app/deps.js';
import { addMessage } from '../../app/intake/add-message.js';
import { openTicket } from '../../app/intake/open-ticket.js';
import { isSmallTalk } from '../../app/intake/small-talk.js';
import { ticketForThread } from '../../app/intake/ticket-for-thread.js';
import type { ActorRef } from '../../app/shared/actors.js';
import type { Logger } from '../../ports/logger.js';
import type { SandboxMessage, SandboxPerson, SandboxRepository } from '../../ports/sandbox.js';
import type { SandboxHub } from './hub.js';

export interface SandboxInboundDeps {
  deps: AppDeps;
  store: SandboxRepository;
  hub: SandboxHub;
  logger: Logger;
  wake: () => void;
}

export const COMMANDS_USAGE =
  'Commands: /ticket <verb> [#id] … (claim, unclaim, assign, priority, waiting, open, resolve, reopen, escalate, note, ack, show), /ticket new [org=<name>] <text>, /support link|unlink|whoami, /oncall [override @person DURATION [ROTATION]]';

/** What the person typed, as the browser sends it (validated by the API). */
export interface SandboxPost {
  person: SandboxPerson;
  channel: string;
  threadId: number | null;
  text: string;
  clientId: string;
}

export type PostOutcome =
  | { kind: 'message'; message: SandboxMessage; ticket: string }
  | { kind: 'command'; reply: CommandReply };

const actorOf = (p: SandboxPerson): ActorRef => ({ platform: 'sandbox', externalId: p.id });

/** `/ticket …`, `/support …`, `/oncall …` typed in the composer: the same parsers as Slack and Discord. */
async function runCommand(c: SandboxInboundDeps, post: SandboxPost): Promise<CommandReply> {
  const [, name = '', rest = ''] = /^\/(\S*)\s*([\s\S]*)$/.exec(post.text.trim()) ?? [];
  const actor = actorOf(post.person);
  if (name === 'ticket') {
    const threadTicketId =
      post.threadId === null
        ? null
        : await ticketForThread(c.deps, 'sandbox', post.channel, String(post.threadId));
    // The browser's client id names this send: a retried `/ticket new` opens one ticket.
    const newTicket = {
      actor,
      displayName: post.person.name,
      workspaceId: null,
      channelId: post.channel,
      invocationId: post.clientId,
      form: false,
    };
    return handleTicketCommand(c.deps, { actor, threadTicketId, newTicket }, rest);
  }
  if (name === 'support')
    return handleSupportCommand(c.deps, { actor, platform: 'sandbox', here: post.channel }, rest);
  if (name === 'oncall') return handleOnCallCommand(c.deps, actor, rest);
  return { ok: false, text: `Unknown command /${name}.\n\n${COMMANDS_USAGE}` };
}

/**
 * A message typed in the sandbox: stored once (by the browser's client id), shown to everyone,
 * then handed to the same use cases the Slack and Discord adapters call.
 */
export async function postMessage(c: SandboxInboundDeps, post: SandboxPost): Promise<PostOutcome> {
  if (post.text.trim().startsWith('/')) {
    let reply: CommandReply;
    try {
      reply = await runCommand(c, post);
    } catch (err) {
      c.logger.error({ err }, 'sandbox command failed');
      reply = internalErrorReply(err);
    }
    if (reply.ok) c.wake();
    return { kind: 'command', reply };
  }
  const { message, created } = await c.store.insert({
    channel: post.channel,
    threadId: post.threadId,
    author: post.person.id,
    text: post.text,
    payload: null,
    ticketId: null,
    clientId: post.clientId,
    createdAt: c.deps.clock.now(),
  });
  if (created) c.hub.publish({ type: 'message', message });
  const author = { externalId: post.person.id, displayName: post.person.name, workspaceId: null };
  let ticket = 'none';
  if (message.threadId !== null) {
    const r = await addMessage(c.deps, {
      platform: 'sandbox',
      channelId: message.channel,
      threadRef: String(message.threadId),
      messageId: String(message.id),
      author,
      text: message.text,
    });
    ticket = r.ok ? r.value.status : r.error.message;
  } else if (!message.channel.startsWith('@') && !isSmallTalk(message.text)) {
    const r = await openTicket(c.deps, {
      platform: 'sandbox',
      channelId: message.channel,
      messageId: String(message.id),
      threadRef: String(message.id),
      author,
      text: message.text,
      trigger: 'message',
    });
    ticket = r.ok ? r.value.status : r.error.message;
  }
  c.wake();
  return { kind: 'message', message, ticket };
}

/** A card button, the priority menu or Acknowledge on a page. */
export async function clickAction(
  c: SandboxInboundDeps,
  person: SandboxPerson,
  action: CardAction,
  ticketId: number,
  value: string,
): Promise<CommandReply> {
  const r = await runCardAction(c.deps, actorOf(person), action, ticketId, value);
  if (!r.ok) return { ok: false, text: r.error.message };
  c.wake();
  return { ok: true, text: r.value, ticketId };
}
