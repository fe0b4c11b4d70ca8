import { SLACK_LIMITS, truncate } from './render-text.js';

/**
 * The action ids of every interactive element tierdesk posts. A button's `value` is the ticket id as
 * a decimal string; the priority select's option values are `P1`..`P4` and its ticket id is in the
 * block id of the card's actions block (see `cardActionsBlockId`).
 */
export const ACTION_IDS = {
  claim: 'tierdesk_claim',
  escalate: 'tierdesk_escalate',
  resolve: 'tierdesk_resolve',
  priority: 'tierdesk_priority',
  acknowledge: 'tierdesk_ack',
} as const;

export type ActionId = (typeof ACTION_IDS)[keyof typeof ACTION_IDS];

export interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
}

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji: boolean;
}

export interface ConfirmDialog {
  title: PlainText;
  text: PlainText;
  confirm: PlainText;
  deny: PlainText;
  style: 'primary' | 'danger';
}

export interface ButtonElement {
  type: 'button';
  action_id: ActionId;
  text: PlainText;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: ConfirmDialog;
}

export interface SelectOption {
  text: PlainText;
  value: string;
}

export interface StaticSelectElement {
  type: 'static_select';
  action_id: ActionId;
  placeholder: PlainText;
  options: SelectOption[];
  initial_option?: SelectOption;
}

export interface SectionBlock {
  type: 'section';
  text?: MrkdwnText;
  fields?: MrkdwnText[];
  accessory?: ButtonElement;
}

export interface ContextBlock {
  type: 'context';
  elements: MrkdwnText[];
}

export interface ActionsBlock {
  type: 'actions';
  block_id?: string;
  elements: Array<ButtonElement | StaticSelectElement>;
}

export interface DividerBlock {
  type: 'divider';
}

/** The subset of Block Kit tierdesk emits. */
export type SlackBlock = SectionBlock | ContextBlock | ActionsBlock | DividerBlock;

/** Plain text, cut to `max`; plain_text is not parsed for mentions, so it needs no escaping. */
export function plain(text: string, max: number): PlainText {
  return { type: 'plain_text', text: truncate(text, max), emoji: true };
}

/** A mrkdwn text object; `text` must already be escaped and within its limit. */
export function mrkdwn(text: string): MrkdwnText {
  return { type: 'mrkdwn', text };
}

export function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

export function fieldsSection(fields: string[]): SectionBlock {
  return { type: 'section', fields: fields.slice(0, SLACK_LIMITS.sectionFieldsItems).map(mrkdwn) };
}

export function context(texts: string[]): ContextBlock {
  return { type: 'context', elements: texts.slice(0, SLACK_LIMITS.contextElementsItems).map(mrkdwn) };
}

export function button(
  actionId: ActionId,
  label: string,
  ticketId: number,
  style?: 'primary' | 'danger',
): ButtonElement {
  const b: ButtonElement = {
    type: 'button',
    action_id: actionId,
    text: plain(label, SLACK_LIMITS.buttonText),
    value: String(ticketId),
  };
  if (style) b.style = style;
  return b;
}

export function confirmDialog(title: string, text: string, confirm: string): ConfirmDialog {
  return {
    title: plain(title, SLACK_LIMITS.confirmTitle),
    text: plain(text, SLACK_LIMITS.confirmText),
    confirm: plain(confirm, SLACK_LIMITS.confirmButton),
    deny: plain('Cancel', SLACK_LIMITS.confirmButton),
    style: 'danger',
  };
}

const CARD_BLOCK_PREFIX = 'tierdesk_card:';

/** Block id of a card's actions block; carries the ticket id for the priority select. */
export function cardActionsBlockId(ticketId: number): string {
  return `${CARD_BLOCK_PREFIX}${ticketId}`;
}

/** The ticket id in a card's actions block id, or null when the id is not one of ours. */
export function ticketIdFromBlockId(blockId: string): number | null {
  if (!blockId.startsWith(CARD_BLOCK_PREFIX)) return null;
  const rest = blockId.slice(CARD_BLOCK_PREFIX.length);
  if (!/^[1-9]\d{0,15}$/.test(rest)) return null;
  const id = Number(rest);
  return Number.isSafeInteger(id) ? id : null;
}

/**
 * Keeps a message within Slack's block limit. Drops from the middle so the first block (what the
 * message is) and the last (its actions) survive.
 */
export function clampBlocks<B>(blocks: B[], max: number = SLACK_LIMITS.blocksPerMessage): B[] {
  if (blocks.length <= max) return blocks;
  const last = blocks[blocks.length - 1];
  if (max < 2 || last === undefined) return blocks.slice(0, Math.max(max, 0));
  return [...blocks.slice(0, max - 1), last];
}
