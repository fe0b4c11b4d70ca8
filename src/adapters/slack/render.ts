import type { OutboundBody } from '../../ports/outbound.js';
import {
  ACTION_IDS,
  type ActionsBlock,
  button,
  clampBlocks,
  context,
  mrkdwn,
  type SlackBlock,
  section,
} from './render-blocks.js';
import { escapeMrkdwn, fitText, isSlackUserId, SLACK_LIMITS } from './render-text.js';

/**
 * Slack rendering of tierdesk's outbound messages: pure functions from platform-neutral bodies to
 * `chat.postMessage` arguments. Outbound text is plain text written for every platform, so it is
 * always escaped; the sender must not set `link_names` or `parse: 'full'`, which would turn a bare
 * `@channel` into a mention.
 */

export {
  ACTION_IDS,
  type ActionId,
  cardActionsBlockId,
  clampBlocks,
  type SlackBlock,
  ticketIdFromBlockId,
} from './render-blocks.js';
export { type CardRenderOptions, PRIORITY_EMOJI, renderCard, STATUS_LABEL } from './render-card.js';
export { escapeMrkdwn, fitText, renderRich, SLACK_LIMITS, truncate } from './render-text.js';

type ChannelMessageBody = Extract<OutboundBody, { kind: 'channel_message' }>;
type DirectMessageBody = Extract<OutboundBody, { kind: 'direct_message' }>;

/** Slack rejects a message whose text is empty. */
const EMPTY = '(no text)';

/** A reply in the customer's thread: escaped plain text, no blocks. */
export function renderThreadReply(text: string): { text: string } {
  return { text: fitText(text.trim() || EMPTY, SLACK_LIMITS.messageText) };
}

/**
 * A notice in a channel. `mentions` are Slack user ids (resolved by the caller); they lead the text
 * so Slack notifies them. Ids that are not Slack user ids are dropped rather than spliced into `<@…>`.
 */
export function renderChannelMessage(
  body: ChannelMessageBody,
  mentions: string[],
): { text: string; blocks?: SlackBlock[] } {
  const ids = [...new Set(mentions)].filter(isSlackUserId);
  const prefix = ids.map((id) => `<@${id}>`).join(' ');
  const budget = SLACK_LIMITS.messageText - prefix.length - 1;
  const text = fitText(body.text.trim() || EMPTY, budget);
  return { text: prefix ? `${prefix} ${text}` : text };
}

/** Acknowledged pages of a DM by ticket, with their line ("acknowledged by Jun Watanabe 10:40 UTC"). */
export type Acknowledged = ReadonlyArray<{ ticketId: number; text: string }>;

const ackLine = (text: string) => `✅ ${escapeMrkdwn(text)}`;

/**
 * A direct message; an escalation page gets an Acknowledge button carrying the ticket id. Several
 * pages in one message are a section each, with the ticket's own Acknowledge beside it. Once a
 * page is acknowledged (the DM is edited then), its button gives way to who acknowledged it and
 * when; the other pages of the DM keep theirs.
 */
export function renderDirectMessage(
  body: DirectMessageBody,
  acknowledged: Acknowledged = [],
): { text: string; blocks: SlackBlock[] } {
  const acked = new Map(acknowledged.map((a) => [a.ticketId, a.text]));
  const text = fitText(body.text.trim() || EMPTY, SLACK_LIMITS.sectionText);
  if (body.pages && body.pages.length > 0) {
    const [intro = EMPTY] = text.split('\n');
    const blocks: SlackBlock[] = [section(intro)];
    for (const p of body.pages) {
      const done = acked.get(p.ticketId);
      const line = fitText(p.text, SLACK_LIMITS.sectionText - (done ? done.length + 8 : 0));
      blocks.push(
        done === undefined
          ? {
              type: 'section',
              text: mrkdwn(line),
              accessory: button(ACTION_IDS.acknowledge, `Acknowledge #${p.ticketId}`, p.ticketId, 'primary'),
            }
          : section(`${line}\n${ackLine(done)}`),
      );
    }
    return {
      text: fitText(body.text.trim() || EMPTY, SLACK_LIMITS.messageText),
      blocks: clampBlocks(blocks),
    };
  }
  const blocks: SlackBlock[] = [section(text)];
  const done = body.ticketId === null ? undefined : acked.get(body.ticketId);
  if (done !== undefined) blocks.push(context([ackLine(done)]));
  else if (body.ticketId !== null && body.actions.includes('acknowledge')) {
    const actions: ActionsBlock = {
      type: 'actions',
      elements: [button(ACTION_IDS.acknowledge, 'Acknowledge', body.ticketId, 'primary')],
    };
    blocks.push(actions);
  }
  return { text, blocks: clampBlocks(blocks) };
}
