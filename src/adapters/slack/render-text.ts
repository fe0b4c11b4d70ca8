import type { RichText } from '../../app/shared/rich-text.js';

/**
 * Text helpers for Slack mrkdwn. Everything here counts UTF-16 code units, which is never less than
 * what Slack counts (characters), so a string that fits here fits in Slack.
 */

/** Slack Block Kit limits this adapter relies on (characters unless the name says items). */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionField: 2000,
  sectionFieldsItems: 10,
  contextElementsItems: 10,
  contextText: 3000,
  actionsElementsItems: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  optionText: 75,
  optionValue: 150,
  placeholder: 150,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** Slack truncates the top-level `text` of a message beyond this. */
  messageText: 40_000,
} as const;

/** How far back `truncate` looks for a space so it does not cut a word in half. */
const WORD_LOOKBACK = 40;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Escapes the three characters Slack treats as control characters in message text, so user text
 * cannot form `<!channel>`, `<@U…>`, `<#C…>` or `<url|label>`.
 */
export function escapeMrkdwn(s: string): string {
  return s.replace(/[&<>]/g, (c) => ENTITIES[c] ?? c);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Shortens `s` to at most `max` code units, ending in '…'. Cuts at a word boundary when one is near,
 * and never between the two halves of a surrogate pair (emoji stay whole).
 */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max < 1) return '';
  let cut = max - 1;
  if (cut > 0 && isHighSurrogate(s.charCodeAt(cut - 1))) cut -= 1;
  let head = s.slice(0, cut);
  const midWord = !/\s/.test(s.charAt(cut)) && !/\s$/.test(head);
  if (midWord) {
    const space = Math.max(head.lastIndexOf(' '), head.lastIndexOf('\n'), head.lastIndexOf('\t'));
    if (space > 0 && space >= cut - WORD_LOOKBACK) head = head.slice(0, space);
  }
  return `${head.trimEnd()}…`;
}

/**
 * Renders raw user text with `render` (escaping by default) so the result fits in `max`.
 * Truncation happens on the raw text, so an entity like `&amp;` is never cut in half.
 */
export function fitText(raw: string, max: number, render: (s: string) => string = escapeMrkdwn): string {
  let candidate = raw;
  let out = render(candidate);
  while (out.length > max && candidate.length > 0) {
    // Escaping and quoting expand text roughly evenly, so shrink in proportion; always by at least one.
    const budget = Math.min(candidate.length - 1, Math.floor((candidate.length * max) / out.length));
    candidate = budget > 0 ? truncate(raw, budget) : '';
    out = render(candidate);
  }
  return out.length <= max ? out : truncate(out, max);
}

/** Slack block quote: every line prefixed with `>`. Input must already be escaped. */
export function quoteLines(escaped: string): string {
  return escaped
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

const SLACK_USER_ID = /^[UW][A-Z0-9]+$/;
const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]+$/;

/** True for a Slack user id (`U…`/`W…`); anything else must not be spliced into `<@…>`. */
export function isSlackUserId(id: string): boolean {
  return SLACK_USER_ID.test(id);
}

export function isSlackChannelId(id: string): boolean {
  return SLACK_CHANNEL_ID.test(id);
}

/** `<url|label>` for an http(s) URL, with the URL made safe to embed; null for anything else. */
export function mrkdwnLink(url: string, label: string): string | null {
  if (!/^https?:\/\/\S+$/i.test(url)) return null;
  const safe = url.replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
  return `<${safe}|${escapeMrkdwn(label)}>`;
}

/**
 * Rich text as Slack mrkdwn: text escaped, bold as `*…*` (Slack has no escape for an asterisk
 * inside bold, so one there is dropped), mentions as `<@U…>` when the id is a Slack user id and
 * the name otherwise.
 */
export function renderRich(rich: RichText): string {
  return rich
    .map((s) => {
      if (typeof s === 'string') return escapeMrkdwn(s);
      if ('bold' in s) return `*${escapeMrkdwn(s.bold.replaceAll('*', ''))}*`;
      return s.mention && isSlackUserId(s.mention) ? `<@${s.mention}>` : escapeMrkdwn(s.name);
    })
    .join('');
}
