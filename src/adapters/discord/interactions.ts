import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type Interaction,
  MessageFlags,
  type StringSelectMenuInteraction,
} from 'discord.js';
import { runCardAction } from '../../app/commands/card-action.js';
import { handleOnCallCommand } from '../../app/commands/oncall-command.js';
import { handleSupportCommand } from '../../app/commands/support-command.js';
import {
  type CommandReply,
  handleTicketCommand,
  internalErrorReply,
} from '../../app/commands/ticket-command.js';
import type { AppDeps, Result } from '../../app/deps.js';
import { ticketForThread } from '../../app/intake/ticket-for-thread.js';
import type { ActorRef } from '../../app/shared/actors.js';
import { normalizeText } from '../../domain/text.js';
import { commandText } from './command-definitions.js';
import type { DiscordInteractionDeps } from './interaction-deps.js';
import { clip, parseCustomId, renderRich } from './render.js';
import { onNewTicketCommand, onTicketFormSubmit, TICKET_FORM_ID } from './ticket-form.js';

export type { DiscordInteractionDeps } from './interaction-deps.js';

type OptionValues = Record<string, string | number | boolean | undefined>;

/** Option values as typed; text is untrusted like a message (no U+0000, no lone surrogate). */
function options(i: ChatInputCommandInteraction): OptionValues {
  const out: OptionValues = {};
  for (const o of i.options.data[0]?.options ?? []) {
    const v = (o.value as string | number | boolean | undefined) ?? undefined;
    out[o.name] = typeof v === 'string' ? normalizeText(v) : v;
  }
  return out;
}

async function threadTicket(deps: AppDeps, i: ChatInputCommandInteraction): Promise<number | null> {
  const ch = i.channel;
  if (!ch?.isThread() || !ch.parentId) return null;
  return ticketForThread(deps, 'discord', ch.parentId, ch.id);
}

async function runCommand(c: DiscordInteractionDeps, i: ChatInputCommandInteraction): Promise<CommandReply> {
  const actor: ActorRef = { platform: 'discord', externalId: i.user.id };
  const sub = i.options.getSubcommand(false) ?? '';
  const opts = options(i);
  if (i.commandName === 'ticket')
    return handleTicketCommand(
      c.deps,
      { actor, threadTicketId: await threadTicket(c.deps, i) },
      commandText(sub, opts),
    );
  if (i.commandName === 'support') {
    const channel = opts.channel !== undefined ? `#${opts.channel}` : '';
    const kv = [
      opts.org !== undefined ? `org="${opts.org}"` : '',
      opts.tier !== undefined ? `tier=${opts.tier}` : '',
    ].join(' ');
    return handleSupportCommand(
      c.deps,
      { actor, platform: 'discord', here: i.channelId },
      `${sub} ${channel} ${kv}`.trim(),
    );
  }
  if (i.commandName === 'oncall') {
    const text =
      sub === 'override'
        ? commandText('override', { person: opts.person, duration: opts.duration, rotation: opts.rotation })
        : '';
    return handleOnCallCommand(c.deps, actor, text);
  }
  return { ok: false, text: `Unknown command /${i.commandName}.` };
}

/** Slash commands: deferred at once (Discord's 3 s deadline), answered ephemerally with the outcome. */
async function onCommand(c: DiscordInteractionDeps, i: ChatInputCommandInteraction): Promise<void> {
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  let reply: CommandReply;
  try {
    reply = await runCommand(c, i);
  } catch (err) {
    c.logger.error({ err, command: i.commandName }, 'discord command failed');
    reply = internalErrorReply(err);
  }
  if (reply.ok) c.wake();
  const content = reply.rich ? renderRich(reply.rich) : reply.text;
  await i.editReply({ content: clip(content, 2000), allowedMentions: { parse: [] } });
}

/** Card buttons and the priority menu: acknowledged at once; the outcome is an ephemeral follow-up. */
async function onComponent(
  c: DiscordInteractionDeps,
  i: ButtonInteraction | StringSelectMenuInteraction,
): Promise<void> {
  const parsed = parseCustomId(i.customId);
  if (!parsed) return;
  await i.deferUpdate();
  const actor: ActorRef = { platform: 'discord', externalId: i.user.id };
  const ticketId = parsed.ticketId;
  let r: Result<string>;
  try {
    const value = parsed.action === 'priority' ? ((i as StringSelectMenuInteraction).values[0] ?? '') : '';
    r = await runCardAction(c.deps, actor, parsed.action, ticketId, value);
  } catch (err) {
    c.logger.error({ err, customId: i.customId }, 'discord component failed');
    await i.followUp({
      content: 'Something went wrong on our side; nothing was changed. Please try again.',
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  if (r.ok) c.wake();
  // The clicker hears that it worked (the card changes for everyone, a little later), or why not.
  await i.followUp({
    content: r.ok ? r.value : r.error.message,
    flags: MessageFlags.Ephemeral,
    allowedMentions: { parse: [] },
  });
}

export function registerInteractions(client: Client, c: DiscordInteractionDeps): void {
  client.on('interactionCreate', (i: Interaction) => {
    const work = i.isChatInputCommand()
      ? i.commandName === 'ticket' && i.options.getSubcommand(false) === 'new'
        ? onNewTicketCommand(c, i)
        : onCommand(c, i)
      : i.isModalSubmit() && i.customId === TICKET_FORM_ID
        ? onTicketFormSubmit(c, i)
        : i.isButton() || i.isStringSelectMenu()
          ? onComponent(c, i)
          : null;
    if (work) c.inFlight.track(work).catch((err) => c.logger.error({ err }, 'discord interaction failed'));
  });
}
