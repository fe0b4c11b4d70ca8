/**
 * Untrusted text from a chat platform or a browser, made safe to store and show (STYLE rule 15).
 *
 * PostgreSQL refuses U+0000 in `text` and `jsonb`, and a lone UTF-16 surrogate cannot be encoded as
 * UTF-8, so either one made a whole message fail to become a ticket. Every adapter passes inbound
 * text through {@link normalizeText} before it reaches a use case.
 */

/**
 * The longest message text tierdesk keeps, in UTF-16 code units: Slack's own limit for a message
 * (it truncates longer text). Discord's is lower. Longer text is cut by {@link normalizeText}.
 */
export const MAX_MESSAGE_CHARS = 40_000;

/** Marker appended to text cut at {@link MAX_MESSAGE_CHARS}. */
export const TRUNCATION_MARK = ' …[truncated]';

// A high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Drops U+0000, replaces lone surrogates with U+FFFD and, when `max` is given, cuts the text to at
 * most `max` UTF-16 code units (never inside a surrogate pair), marking the cut. Anything else,
 * including other control characters and emoji, is kept as written.
 */
export function normalizeText(raw: string, max: number = MAX_MESSAGE_CHARS): string {
  let text = raw.includes('\u0000') ? raw.replaceAll('\u0000', '') : raw;
  text = text.replace(LONE_SURROGATE, '\uFFFD');
  if (text.length <= max) return text;
  let end = Math.max(0, max - TRUNCATION_MARK.length);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1; // keep a pair whole
  return text.slice(0, end) + TRUNCATION_MARK;
}
