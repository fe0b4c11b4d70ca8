/** Identity the fake workspace answers with; the same defaults seed the signed-request builders. */
export interface SlackIdentity {
  teamId: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
  appId: string;
}

export const SLACK_DEFAULTS: SlackIdentity = {
  teamId: 'T00TEAM001',
  teamDomain: 'tierdesk-test',
  botUserId: 'U00BOT0001',
  botId: 'B00BOT0001',
  appId: 'A00APP0001',
};

/**
 * A failure the fake answers instead of doing the call.
 * `retryAfterSec` is whole seconds, as in Slack's `Retry-After` header.
 */
export type SlackFault =
  | { status: 429; retryAfterSec: number }
  | { status: 500 | 502 | 503 }
  | { error: string };

/** One request to `/api/<method>`, recorded after it was answered. */
export interface SlackCall {
  method: string;
  /**
   * Arguments as they arrived. Form-encoded calls carry every scalar as a string (`limit: '10'`,
   * `unfurl_links: 'false'`); JSON fields (`blocks`, `metadata`, `attachments`, `view` …) are parsed.
   * A `token` argument is moved to {@link SlackCall.token}.
   */
  args: Record<string, unknown>;
  /** Arrival time in ms since the epoch (the fake's `now`). */
  at: number;
  httpMethod: string;
  /** Bearer token from the Authorization header, if any. */
  token?: string;
  /** Set when the fake injected a fault instead of doing the call. */
  fault?: SlackFault;
  /** JSON body answered; absent for HTTP-status faults. */
  response?: Record<string, unknown>;
}

/** A POST to a `response_url` (Bolt's `respond()`). */
export interface SlackResponseRecord {
  id: string;
  body: unknown;
  at: number;
  fault?: SlackFault;
}

export interface SlackMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export interface StoredReaction {
  name: string;
  users: string[];
}

/** A message as the fake keeps it; `user` is the bot user id for the bot's own posts. */
export interface StoredMessage {
  channel: string;
  ts: string;
  user: string;
  text: string;
  thread_ts?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: SlackMetadata;
  bot_id?: string;
  app_id?: string;
  subtype?: string;
  team?: string;
  edited?: { user: string; ts: string };
  reactions: StoredReaction[];
}

/** Seed data for `users.info`. Omitted names derive from the id; `teamId` defaults to the fake's team. */
export interface FakeUser {
  id: string;
  name?: string;
  realName?: string;
  displayName?: string;
  teamId?: string;
  email?: string;
  /** IANA zone name. */
  tz?: string;
  isBot?: boolean;
  /** Multi-channel guest. */
  isRestricted?: boolean;
  /** Single-channel guest. */
  isUltraRestricted?: boolean;
  deleted?: boolean;
}

/** Seed data for `conversations.info`. */
export interface FakeChannel {
  id: string;
  name?: string;
  isPrivate?: boolean;
  /** Slack Connect channel shared with another organisation. */
  isExtShared?: boolean;
  isIm?: boolean;
  /** The other member of a DM. */
  user?: string;
}

/** Seed input for a message that already exists in Slack (customer messages, older bot posts). */
export interface NewMessage {
  ts?: string;
  user: string;
  text: string;
  thread_ts?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: SlackMetadata;
  bot_id?: string;
  app_id?: string;
  subtype?: string;
  team?: string;
}
