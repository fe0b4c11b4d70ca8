import type { App, BlockAction, RespondFn } from '@slack/bolt';
import { acknowledgeEscalation } from '../../app/acknowledge-escalation.js';
import type { ActorRef } from '../../app/actors.js';
import { claimTicket } from '../../app/claim-ticket.js';
import type { AppDeps, Result } from '../../app/deps.js';
import { escalateTicket } from '../../app/escalate-ticket.js';
import { resolveTicket } from '../../app/resolve-ticket.js';
import { setPriority } from '../../app/set-priority.js';
import type { Logger } from '../../ports/logger.js';
import { ACTION_IDS, ticketIdFromBlockId } from './render.js';

export interface SlackActionDeps {
  deps: AppDeps;
  logger: Logger;
  wake: () => void;
}

type Run = (actor: ActorRef, ticketId: number, value: string) => Promise<Result<unknown>>;

/** Card buttons and the priority menu → use cases; a refusal is an ephemeral message to the clicker. */
export function registerActions(app: App, c: SlackActionDeps): void {
  const on = (actionId: string, run: Run) =>
    app.action(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const b = body as BlockAction;
      const a = action as { value?: string; block_id?: string; selected_option?: { value: string } };
      // Buttons carry the ticket id as their value; the priority menu's value is the priority, so the id is in block_id.
      const ticketId = a.selected_option ? ticketIdFromBlockId(a.block_id ?? '') : Number(a.value);
      const value = a.selected_option?.value ?? a.value ?? '';
      try {
        if (ticketId === null || !Number.isSafeInteger(ticketId))
          throw new Error(`bad ticket id in action ${actionId}`);
        const r = await run({ platform: 'slack', externalId: b.user.id }, ticketId, value);
        if (r.ok) c.wake();
        else await say(respond, r.error.message);
      } catch (err) {
        c.logger.error({ err, actionId }, 'block action failed');
        await say(respond, 'Something went wrong on our side; nothing was changed. Please try again.');
      }
    });

  on(ACTION_IDS.claim, (actor, ticketId) => claimTicket(c.deps, { actor, ticketId }));
  on(ACTION_IDS.escalate, (actor, ticketId) =>
    escalateTicket(c.deps, { actor, ticketId, reason: 'escalated from the card' }),
  );
  on(ACTION_IDS.resolve, (actor, ticketId) => resolveTicket(c.deps, { actor, ticketId, note: null }));
  on(ACTION_IDS.acknowledge, (actor, ticketId) => acknowledgeEscalation(c.deps, { actor, ticketId }));
  on(ACTION_IDS.priority, (actor, ticketId, value) =>
    setPriority(c.deps, { actor, ticketId, priority: value }),
  );
}

async function say(respond: RespondFn, text: string): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, text });
}
