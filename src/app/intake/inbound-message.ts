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
  /**
   * 'reaction': someone put 🎫 on the message, so it opens even when staff wrote it. 'command':
   * `/ticket new` (no customer message: `messageId` is the invocation's, `threadRef` null, and the
   * bot posts the root message the ticket's thread hangs from); it opens whoever ran it.
   */
  trigger: 'message' | 'reaction' | 'command';
  /**
   * Staff opened it for the channel's organization (a request by phone or email): the author is
   * who opened it, and the ticket has no requester but the organization.
   */
  onBehalf?: boolean;
}
