import type { Platform } from '../../domain/policy.js';

/** A message as an adapter hands it over. Ids are the platform's own. */
export interface InboundMessage {
  platform: Platform;
  channelId: string;
  /** The platform's id of this message (Slack ts, Discord snowflake); dedupe key. */
  messageId: string;
  /** Where replies to the customer go (Slack: the message ts; Discord: the thread id), if known. */
  threadRef: string | null;
  /**
   * `external`: the platform says the author is outside the support team's workspace (Slack Connect
   * user, guest): always a customer, whatever the people table says.
   */
  author: { externalId: string; displayName: string; workspaceId: string | null; external?: boolean };
  text: string;
  /** 'reaction': someone put 🎫 on the message, so it opens even when staff wrote it. */
  trigger: 'message' | 'reaction';
}
