import type {
  Client,
  GuildMember,
  Message,
  MessageReaction,
  PartialMessage,
  PartialMessageReaction,
  PartialUser,
  User,
} from 'discord.js';
import type { AppDeps } from '../../app/deps.js';
import { addMessage } from '../../app/intake/add-message.js';
import { editMessage } from '../../app/intake/edit-message.js';
import { openTicket } from '../../app/intake/open-ticket.js';
import { isSmallTalk } from '../../app/intake/small-talk.js';
import { normalizeText } from '../../domain/text.js';
import type { Logger } from '../../ports/logger.js';
import type { InFlight } from '../in-flight.js';

export interface DiscordInboundDeps {
  deps: AppDeps;
  logger: Logger;
  /** Members with one of these roles are staff: their top-level messages never open tickets. */
  staffRoles: string[];
  wake: () => void /** Tracks the work each event starts, for shutdown to wait on. */;
  inFlight: InFlight;
}

/** Discord names are at most 32 characters; anything longer did not come from Discord. */
const MAX_NAME_CHARS = 100;

/** What a customer wrote, fit to store: no U+0000, no lone surrogate, bounded (STYLE rule 15). */
const textOf = (m: Message | PartialMessage): string => normalizeText(m.content ?? '');

function author(m: Message | PartialMessage) {
  const u = m.author!;
  return {
    externalId: u.id,
    displayName: normalizeText(m.member?.displayName ?? u.globalName ?? u.username, MAX_NAME_CHARS),
    workspaceId: m.guildId ?? null,
  };
}

function hasStaffRole(member: GuildMember | null | undefined, roles: string[]): boolean {
  return !!member && roles.some((r) => member.roles.cache.has(r));
}

async function onMessage(ctx: DiscordInboundDeps, m: Message): Promise<void> {
  if (m.author.bot || m.system || !m.inGuild()) return;
  const channel = m.channel;
  if (channel.isThread()) {
    const parent = channel.parentId;
    if (!parent) return;
    // A forum post: its first message has the thread's id. It opens a ticket in the linked forum.
    if (m.id === channel.id) return openFrom(ctx, m, parent, 'message');
    const r = await addMessage(ctx.deps, {
      platform: 'discord',
      channelId: parent,
      threadRef: channel.id,
      messageId: m.id,
      author: author(m),
      text: textOf(m),
    });
    if (r.ok && r.value.status === 'added') ctx.wake();
    return;
  }
  if (isSmallTalk(textOf(m)) || hasStaffRole(m.member, ctx.staffRoles)) return;
  await openFrom(ctx, m, m.channelId, 'message');
}

async function openFrom(
  ctx: DiscordInboundDeps,
  m: Message | PartialMessage,
  channelId: string,
  trigger: 'message' | 'reaction',
) {
  if (trigger === 'message' && hasStaffRole(m.member, ctx.staffRoles)) return;
  const r = await openTicket(ctx.deps, {
    platform: 'discord',
    channelId,
    messageId: m.id,
    // A thread started from a message takes the message's id; the bot creates it with its reply.
    threadRef: m.id,
    author: author(m),
    text: textOf(m),
    trigger,
  });
  if (r.ok && r.value.status === 'opened') ctx.wake();
}

async function onReaction(
  ctx: DiscordInboundDeps,
  reaction: MessageReaction | PartialMessageReaction,
  user: User | PartialUser,
) {
  if (user.bot || reaction.emoji.name !== '🎫') return;
  const m = reaction.message.partial ? await reaction.message.fetch() : reaction.message;
  if (!m.inGuild() || !m.author || m.author.bot) return;
  await openFrom(
    ctx,
    m,
    m.channel.isThread() ? (m.channel.parentId ?? m.channelId) : m.channelId,
    'reaction',
  );
}

/** Gateway events → use cases. Every use case is idempotent on the message id, so replays are harmless. */
export function registerEvents(client: Client, ctx: DiscordInboundDeps): void {
  const guard =
    <A extends unknown[]>(name: string, fn: (...args: A) => Promise<void>) =>
    (...args: A) => {
      ctx.inFlight
        .track(fn(...args))
        .catch((err) => ctx.logger.error({ err, event: name }, 'discord event failed'));
    };
  client.on(
    'messageCreate',
    guard('messageCreate', (m: Message) => onMessage(ctx, m)),
  );
  client.on(
    'messageUpdate',
    guard('messageUpdate', async (_old: Message | PartialMessage, m: Message | PartialMessage) => {
      if (m.author?.bot || m.content == null) return;
      await editMessage(ctx.deps, { platform: 'discord', messageId: m.id, text: textOf(m) });
    }),
  );
  client.on(
    'messageDelete',
    guard('messageDelete', async (m: Message | PartialMessage) => {
      await editMessage(ctx.deps, { platform: 'discord', messageId: m.id, text: null });
    }),
  );
  client.on(
    'messageReactionAdd',
    guard('messageReactionAdd', (r: MessageReaction | PartialMessageReaction, u: User | PartialUser) =>
      onReaction(ctx, r, u),
    ),
  );
}
