import type { App, BlockAction, RespondFn } from '@slack/bolt';
import { CARD_ACTIONS, runCardAction } from '../../app/commands/card-action.js';
import type { AppDeps, Result } from '../../app/deps.js';
import type { ActorRef } from '../../app/shared/actors.js';
import { escapeRegex } from '../../domain/triage.js';
import type { Logger } from '../../ports/logger.js';
import { ACTION_IDS, ticketIdFromBlockId } from './render.js';

export interface SlackActionDeps {
  deps: AppDeps;
  logger: Logger;
  wake: () => void;
}

type Run = (actor: ActorRef, ticketId: number, value: string) => Promise<Result<string>>;

/** A pattern matching exactly these names: one Bolt listener for several actions or commands. */
export function exactly(names: readonly string[]): RegExp {
  return new RegExp(`^(?:${names.map(escapeRegex).join('|')})$`);
}

/**
 * Card buttons and the priority menu → use cases; the outcome (done, or why not) is an ephemeral
 * message to the clicker.
 * One listener for all of them: Bolt runs every registered listener's middleware for every
 * incoming event, so each listener more costs every message in every linked channel.
 */
export function registerActions(app: App, c: SlackActionDeps): void {
  const runs = new Map<string, Run>(
    CARD_ACTIONS.map((action) => [
      ACTION_IDS[action],
      (actor, ticketId, value) => runCardAction(c.deps, actor, action, ticketId, value),
    ]),
  );
  app.action(exactly([...runs.keys()]), async ({ ack, body, action, respond }) => {
    await ack();
    const b = body as BlockAction;
    const a = action as {
      action_id: string;
      value?: string;
      block_id?: string;
      selected_option?: { value: string };
    };
    const actionId = a.action_id;
    const run = runs.get(actionId)!;
    // Buttons carry the ticket id as their value; the priority menu's value is the priority, so the id is in block_id.
    const ticketId = a.selected_option ? ticketIdFromBlockId(a.block_id ?? '') : Number(a.value);
    const value = a.selected_option?.value ?? a.value ?? '';
    try {
      if (ticketId === null || !Number.isSafeInteger(ticketId))
        throw new Error(`bad ticket id in action ${actionId}`);
      const r = await run({ platform: 'slack', externalId: b.user.id }, ticketId, value);
      if (r.ok) c.wake();
      // The clicker hears that it worked (the card changes for everyone, a little later).
      await say(respond, r.ok ? r.value : r.error.message);
    } catch (err) {
      c.logger.error({ err, actionId }, 'block action failed');
      await say(respond, 'Something went wrong on our side; nothing was changed. Please try again.');
    }
  });
}

async function say(respond: RespondFn, text: string): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, text });
}
