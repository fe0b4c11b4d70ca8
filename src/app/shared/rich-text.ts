/**
 * Formatted text, platform-neutral: what a reply says with emphasis and mentions, without any
 * platform's markup. Each adapter renders it in its own (Slack mrkdwn, Discord markdown, the
 * sandbox's DOM), escaping the text as it goes, so a name or a rotation can never inject markup,
 * and no platform shows another's syntax (`*bold*` is bold on Slack, italic on Discord and literal
 * asterisks in a browser).
 */

/**
 * A piece of formatted text. A string is plain text (it may hold newlines); `bold` is emphasised;
 * `mention` is a person, by their user id on the platform replied to (null when they have none
 * there, and then only `name` is shown).
 */
export type RichSpan = string | { bold: string } | { mention: string | null; name: string };

export type RichText = RichSpan[];

/** The text without formatting: for logs, tests and clients that show plain text. */
export function plainText(rich: RichText): string {
  return rich.map((s) => (typeof s === 'string' ? s : 'bold' in s ? s.bold : s.name)).join('');
}
