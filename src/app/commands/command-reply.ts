import type { RichText } from '../shared/rich-text.js';

/** What to show the person who typed the command (ephemerally). */
export interface CommandReply {
  ok: boolean;
  text: string;
  /** The ticket the command acted on, when it succeeded. */
  ticketId?: number;
  /** The same as `text` with formatting, when it has any: adapters render this one if present. */
  rich?: RichText;
  /** `new` without text: show the form instead of a reply (`org` prefilled, staff only). */
  form?: { org: string | null };
}
