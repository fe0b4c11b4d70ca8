import type { App, RespondFn, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { handleOnCallCommand } from '../../app/commands/oncall-command.js';
import { handleSupportCommand } from '../../app/commands/support-command.js';
import {
  type CommandReply,
  handleTicketCommand,
  internalErrorReply,
} from '../../app/commands/ticket-command.js';
import { normalizeText } from '../../domain/text.js';
import { exactly } from './actions.js';
import type { SlackCommandDeps } from './command-deps.js';
import { renderRich } from './render.js';
import { openTicketForm, registerTicketForm } from './ticket-form.js';

/** Slack's escaped mentions (`<@U123|name>`, `<#C123|name>`) → the neutral `@U123` / `#C123`. */
export function normalizeMentions(text: string): string {
  return text.replace(/<@([A-Z0-9]+)(\|[^>]*)?>/g, '@$1').replace(/<#([A-Z0-9]+)(\|[^>]*)?>/g, '#$1');
}

export type { SlackCommandDeps } from './command-deps.js';

async function reply(respond: RespondFn, r: CommandReply): Promise<void> {
  await respond({ response_type: 'ephemeral', text: r.rich ? renderRich(r.rich) : r.text });
}

/**
 * `/ticket`, `/support`, `/oncall`: acknowledge at once (Slack's 3 s deadline), then work, then
 * answer ephemerally through the response URL. Errors come back with the usage; nothing throws.
 */
export function registerCommands(app: App, c: SlackCommandDeps): void {
  // One Bolt listener for the three (see registerActions).
  type Run = (text: string, user: string, channel: string, command: SlashCommand) => Promise<CommandReply>;
  const runs = new Map<string, Run>();
  const handle = (name: string, run: Run) => runs.set(name, run);
  handle('/ticket', (text, user, channel, command) =>
    handleTicketCommand(
      c.deps,
      {
        actor: { platform: 'slack', externalId: user },
        threadTicketId: null,
        newTicket: {
          actor: { platform: 'slack', externalId: user },
          displayName: command.user_name,
          workspaceId: command.team_id ?? null,
          channelId: channel,
          invocationId: command.trigger_id,
          form: true,
        },
      },
      text,
    ),
  );
  handle('/support', (text, user, channel) =>
    handleSupportCommand(
      c.deps,
      { actor: { platform: 'slack', externalId: user }, platform: 'slack', here: channel },
      text,
    ),
  );
  handle('/oncall', (text, user) =>
    handleOnCallCommand(c.deps, { platform: 'slack', externalId: user }, text),
  );
  app.command(exactly([...runs.keys()]), async ({ command, ack, respond, client }) => {
    await ack();
    const name = command.command;
    let r: CommandReply;
    try {
      const text = normalizeMentions(normalizeText(command.text ?? ''));
      r = await runs.get(name)!(text, command.user_id, command.channel_id, command);
    } catch (err) {
      c.logger.error({ err, command: name }, 'slash command failed');
      r = internalErrorReply(err);
    }
    if (r.form) {
      const failed = await openTicketForm(
        client as WebClient,
        command.trigger_id,
        command.channel_id,
        r.form.org,
      );
      if (failed) await reply(respond, failed);
      return;
    }
    if (r.ok) c.wake();
    await reply(respond, r);
  });
  registerTicketForm(app, c);
}
