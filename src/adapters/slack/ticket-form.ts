import type { App, ViewSubmitAction } from '@slack/bolt';
import type { ModalView, WebClient } from '@slack/web-api';
import {
  type NewTicketContext,
  submitTicketForm,
  TICKET_FORM,
} from '../../app/commands/new-ticket-command.js';
import { type CommandReply, internalErrorReply } from '../../app/commands/ticket-command.js';
import type { SlackCommandDeps } from './command-deps.js';

/** callback_id of the `/ticket new` modal. */
export const TICKET_FORM_CALLBACK = 'tierdesk_ticket_new';

/** What the modal carries from the command to its submission (`private_metadata`). */
interface FormMeta {
  /** The channel `/ticket new` was run in (a view_submission names none). */
  channel: string;
}

const plain = (text: string) => ({ type: 'plain_text' as const, text });

function input(id: string, label: string, element: Record<string, unknown>, optional = false) {
  return {
    type: 'input' as const,
    block_id: id,
    optional,
    label: plain(label),
    element: { type: 'plain_text_input', action_id: id, ...element },
  };
}

/** The modal `views.open` shows: summary, description and, when staff gave org=, the organization. */
export function ticketFormView(channel: string, org: string | null): ModalView {
  const f = TICKET_FORM;
  const meta: FormMeta = { channel };
  return {
    type: 'modal',
    callback_id: TICKET_FORM_CALLBACK,
    private_metadata: JSON.stringify(meta),
    title: plain(f.title),
    submit: plain(f.submit),
    close: plain('Cancel'),
    blocks: [
      ...(org !== null
        ? [input('org', f.org.label, { initial_value: org.slice(0, f.org.max), max_length: f.org.max })]
        : []),
      input('summary', f.summary.label, {
        max_length: f.summary.max,
        placeholder: plain(f.summary.placeholder),
      }),
      input(
        'description',
        f.description.label,
        { multiline: true, max_length: f.description.max, placeholder: plain(f.description.placeholder) },
        true,
      ),
    ],
  } as ModalView;
}

/** Opens the form for `/ticket new` without text (the trigger id is good for 3 s after the command). */
export async function openTicketForm(
  client: WebClient,
  triggerId: string,
  channel: string,
  org: string | null,
): Promise<CommandReply | null> {
  try {
    await client.views.open({ trigger_id: triggerId, view: ticketFormView(channel, org) });
    return null;
  } catch {
    return {
      ok: false,
      text: 'The form could not be opened (Slack allows 3 seconds); type the request instead: /ticket new <what happened>.',
    };
  }
}

function metaOf(view: ViewSubmitAction['view']): FormMeta | null {
  try {
    const m = JSON.parse(view.private_metadata) as Partial<FormMeta>;
    return typeof m.channel === 'string' && m.channel ? { channel: m.channel } : null;
  } catch {
    return null;
  }
}

/**
 * The submitted form: acknowledged at once (which closes it: Slack's 3 s), then the ticket is
 * opened and the outcome told ephemerally in the channel the command was run in.
 */
export function registerTicketForm(app: App, c: SlackCommandDeps): void {
  app.view(TICKET_FORM_CALLBACK, async ({ ack, body, view, client }) => {
    await ack();
    const meta = metaOf(view);
    if (!meta) return;
    const values = view.state.values;
    const value = (id: string) => values[id]?.[id]?.value ?? '';
    const ctx: NewTicketContext = {
      actor: { platform: 'slack', externalId: body.user.id },
      displayName: body.user.name,
      workspaceId: body.user.team_id ?? null,
      channelId: meta.channel,
      // A second submission of the same form is the same request.
      invocationId: view.id,
    };
    let reply: CommandReply;
    try {
      reply = await submitTicketForm(c.deps, ctx, {
        summary: value('summary'),
        description: value('description'),
        org: values.org ? value('org') : null,
      });
    } catch (err) {
      c.logger.error({ err }, 'slack ticket form failed');
      reply = internalErrorReply(err);
    }
    if (reply.ok) c.wake();
    await client.chat
      .postEphemeral({ channel: meta.channel, user: body.user.id, text: reply.text })
      .catch((err) =>
        c.logger.warn({ err: (err as Error).message }, 'ticket form: could not tell the outcome'),
      );
  });
}
