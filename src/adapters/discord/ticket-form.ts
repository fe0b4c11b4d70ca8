import { type ChatInputCommandInteraction, MessageFlags, type ModalSubmitInteraction } from 'discord.js';
import {
  type NewTicketContext,
  runNewTicket,
  submitTicketForm,
  TICKET_FORM,
} from '../../app/commands/new-ticket-command.js';
import { type CommandReply, internalErrorReply } from '../../app/commands/ticket-command.js';
import type { DiscordInteractionDeps } from './interaction-deps.js';

/** custom_id of the `/ticket new` modal. */
export const TICKET_FORM_ID = 'tierdesk:new-ticket';

/** Discord component types: 4 text input, 18 label (a modal's field with its label). */
const TEXT_INPUT = 4;
const LABEL = 18;

function field(customId: string, label: string, input: Record<string, unknown>) {
  return { type: LABEL, label, component: { type: TEXT_INPUT, custom_id: customId, ...input } };
}

/** The modal (interaction response type 9): summary, description and, for org=, the organization. */
export function ticketModal(org: string | null) {
  const f = TICKET_FORM;
  return {
    custom_id: TICKET_FORM_ID,
    title: f.title,
    components: [
      ...(org !== null
        ? [
            field('org', f.org.label, {
              style: 1,
              required: true,
              max_length: f.org.max,
              value: org.slice(0, f.org.max),
            }),
          ]
        : []),
      field('summary', f.summary.label, {
        style: 1,
        required: true,
        max_length: f.summary.max,
        placeholder: f.summary.placeholder,
      }),
      field('description', f.description.label, {
        style: 2,
        required: false,
        max_length: f.description.max,
        placeholder: f.description.placeholder,
      }),
    ],
  };
}

/** Where `/ticket new` runs: inside a thread (a ticket's, a forum post) the channel is its parent. */
function contextOf(i: ChatInputCommandInteraction | ModalSubmitInteraction): NewTicketContext {
  const ch = i.channel;
  const member = i.member && 'displayName' in i.member ? i.member.displayName : null;
  return {
    actor: { platform: 'discord', externalId: i.user.id },
    displayName: member ?? i.user.globalName ?? i.user.username,
    workspaceId: i.guildId,
    channelId: ch?.isThread() && ch.parentId ? ch.parentId : i.channelId!,
    invocationId: i.id,
  };
}

async function answer(
  c: DiscordInteractionDeps,
  i: ChatInputCommandInteraction | ModalSubmitInteraction,
  run: () => Promise<CommandReply>,
): Promise<void> {
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  let reply: CommandReply;
  try {
    reply = await run();
  } catch (err) {
    c.logger.error({ err }, 'discord /ticket new failed');
    reply = internalErrorReply(err);
  }
  if (reply.ok) c.wake();
  await i.editReply({ content: reply.text.slice(0, 2000), allowedMentions: { parse: [] } });
}

/**
 * `/ticket new`: with text it opens the ticket; without, the modal must be the interaction's first
 * answer (it cannot follow a deferral), so it is shown before anything is looked up.
 */
export async function onNewTicketCommand(
  c: DiscordInteractionDeps,
  i: ChatInputCommandInteraction,
): Promise<void> {
  const text = i.options.getString('text')?.trim() ?? '';
  const org = i.options.getString('org')?.trim() || null;
  if (!text) {
    await i.showModal(ticketModal(org));
    return;
  }
  await answer(c, i, () =>
    runNewTicket(c.deps, contextOf(i), { org: org ? { exact: org } : null, summary: null, text }),
  );
}

/** The modal sent back (MODAL_SUBMIT): opens the ticket, answered ephemerally. */
export async function onTicketFormSubmit(
  c: DiscordInteractionDeps,
  i: ModalSubmitInteraction,
): Promise<void> {
  const value = (id: string) => (i.fields.fields.has(id) ? i.fields.getTextInputValue(id) : '');
  await answer(c, i, () =>
    submitTicketForm(c.deps, contextOf(i), {
      summary: value('summary'),
      description: value('description'),
      org: i.fields.fields.has('org') ? value('org') : null,
    }),
  );
}
