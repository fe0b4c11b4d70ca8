/**
 * A fake Discord for tests: the REAL discord.js v14 client logs in against it (REST under /api/v10 and a
 * gateway WebSocket on /gateway). Client options that work:
 *   new Client({ intents, partials, rest: { api: fake.apiBase, retries: 0 } }); client.login('any-token')
 * Do not install zlib-sync (discord.js would then ask for zlib-stream compression, which the fake does not speak).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  gatewayMessage,
  type InteractionSpec,
  interactionPayload,
  type ReactionSpec,
  reactionPayload,
} from './events.js';
import { FakeGateway } from './gateway.js';
import { readyPayload } from './guild-payloads.js';
import { submittedComponents } from './modals.js';
import { type FakeGuild, type FakeUser, iso, type Json } from './payloads.js';
import { type RecordedRequest, RestRouter, RestServer } from './rest.js';
import { channelRoutes, type FakeContext } from './routes-channels.js';
import { type InteractionCallback, interactionRoutes } from './routes-interactions.js';
import { snowflake } from './snowflake.js';
import { DiscordState } from './state.js';
import { type MessageCreateSpec, type ThreadCreateSpec, userMessage, userThread } from './user-events.js';

export type { InteractionSpec, OptionSpec, ReactionSpec } from './events.js';
export type { FakeChannel, FakeGuild, FakeMember, FakeRole, FakeUser, Json } from './payloads.js';
export type { RecordedRequest } from './rest.js';
export type { InteractionCallback } from './routes-interactions.js';
export { snowflake } from './snowflake.js';
export type { MessageCreateSpec, ThreadCreateSpec } from './user-events.js';

export interface FakeDiscordOptions {
  /** Defaults to the bot user id (as for every modern Discord application). */
  applicationId?: string;
  botUserId?: string;
  botUsername?: string;
  guilds?: FakeGuild[];
  /** Echo MESSAGE_CREATE/UPDATE for the bot's own REST messages, as Discord does (default true). */
  echoOwnMessages?: boolean;
}

export interface DispatchedEvent {
  t: string;
  d: Json;
  at: number;
  /** Sessions it went to (0: nobody connected with the needed intents). */
  delivered: number;
}

export class FakeDiscord {
  readonly apiBase: string;
  readonly gatewayUrl: string;
  readonly state: DiscordState;
  readonly gateway: FakeGateway;
  readonly events: DispatchedEvent[] = [];
  private readonly rest: RestServer;
  private readonly callbackLog: InteractionCallback[] = [];

  private constructor(
    private readonly server: Server,
    opts: FakeDiscordOptions,
  ) {
    const { port } = server.address() as AddressInfo;
    this.apiBase = `http://127.0.0.1:${port}/api`;
    this.gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
    const botId = opts.botUserId ?? snowflake();
    const bot: FakeUser = { id: botId, username: opts.botUsername ?? 'tierdesk', bot: true };
    this.state = new DiscordState(opts.applicationId ?? botId, bot, opts.guilds ?? []);
    const ctx: FakeContext = {
      state: this.state,
      gatewayUrl: () => this.gatewayUrl,
      dispatch: (t, d) => this.dispatch(t, d),
      echoOwnMessages: opts.echoOwnMessages ?? true,
    };
    const router = new RestRouter();
    channelRoutes(router, ctx);
    interactionRoutes(router, ctx, this.callbackLog);
    this.rest = new RestServer(router);
    server.on('request', this.rest.handle);
    this.gateway = new FakeGateway(server, {
      url: () => this.gatewayUrl,
      bot: () => bot,
      ready: (sessionId) => readyPayload(this.state, sessionId, this.gatewayUrl),
      guildCreates: () => [...this.state.guilds.keys()].map((id) => this.state.guildCreate(id)),
    });
  }

  static async start(opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FakeDiscord(server, opts);
  }

  get applicationId(): string {
    return this.state.applicationId;
  }

  get botUser(): FakeUser {
    return this.state.bot;
  }

  /** Every REST request, in order (429s and 404s included, with `status`). */
  get requests(): RecordedRequest[] {
    return this.rest.requests;
  }

  /** Sends `{op:0,s:++seq,t,d}` to every session whose intents cover it (logged for RESUME replay). */
  dispatch(t: string, d: Json): number {
    const delivered = this.gateway.dispatch(t, d);
    this.events.push({ t, d, at: Date.now(), delivered });
    return delivered;
  }

  /** Sends `{op:0,s,t,d}` unchecked (`d: null`, a missing author, `t: 42`…), as a misbehaving gateway would. */
  dispatchRaw(t: unknown, d: unknown): number {
    const delivered = this.gateway.dispatchRaw(t, d);
    this.events.push({ t: t as string, d: d as Json, at: Date.now(), delivered });
    return delivered;
  }

  /** Sends an earlier event again, same payload, new sequence number (Discord's at-least-once delivery). */
  redispatch(match: (e: DispatchedEvent) => boolean): DispatchedEvent {
    const event = this.events.findLast(match);
    if (!event) throw new Error('FakeDiscord.redispatch: no dispatched event matches');
    this.dispatch(event.t, event.d);
    return event;
  }

  /** Adds a guild at runtime (GUILD_CREATE), as when the bot joins a server. */
  addGuild(guild: FakeGuild): void {
    this.state.addGuild(guild);
    this.dispatch('GUILD_CREATE', this.state.guildCreate(guild.id));
  }

  messageCreate(spec: MessageCreateSpec): Json {
    const message = userMessage(this.state, spec);
    this.dispatch('MESSAGE_CREATE', gatewayMessage(this.state, message, spec.member));
    return message;
  }

  /** MESSAGE_UPDATE with the full edited message (the stored copy is updated). */
  messageUpdate(spec: { channelId: string; id: string; content?: string; embeds?: unknown[] }): Json {
    const message = this.state.message(spec.channelId, spec.id);
    if (!message) throw new Error(`FakeDiscord: no message ${spec.id} in channel ${spec.channelId}`);
    if (spec.content !== undefined) message.content = spec.content;
    if (spec.embeds !== undefined) message.embeds = spec.embeds;
    message.edited_timestamp = iso();
    this.dispatch('MESSAGE_UPDATE', gatewayMessage(this.state, message));
    return message;
  }

  messageDelete(spec: { channelId: string; id: string }): void {
    this.state.requireChannel(spec.channelId);
    this.state.removeMessage(spec.channelId, spec.id);
    const guildId = this.state.guildIdOf(spec.channelId);
    this.dispatch('MESSAGE_DELETE', {
      id: spec.id,
      channel_id: spec.channelId,
      ...(guildId ? { guild_id: guildId } : {}),
    });
  }

  reactionAdd(spec: ReactionSpec): Json {
    const d = reactionPayload(this.state, spec, true);
    this.dispatch('MESSAGE_REACTION_ADD', d);
    return d;
  }

  reactionRemove(spec: ReactionSpec): Json {
    const d = reactionPayload(this.state, spec, false);
    this.dispatch('MESSAGE_REACTION_REMOVE', d);
    return d;
  }

  /** A user opens a thread / forum post: THREAD_CREATE (newly_created) then MESSAGE_CREATE of the starter. */
  threadCreate(spec: ThreadCreateSpec): { thread: Json; message: Json | null } {
    const { thread, message } = userThread(this.state, spec);
    this.dispatch('THREAD_CREATE', { ...thread, newly_created: true });
    if (message && spec.starterMessageEvent !== false) {
      this.dispatch('MESSAGE_CREATE', gatewayMessage(this.state, message));
    }
    return { thread, message };
  }

  /** INTERACTION_CREATE for a chat-input command, button, string select or modal submit. */
  interactionCreate(spec: InteractionSpec): { id: string; token: string; payload: Json } {
    const payload = interactionPayload(this.state, spec);
    const id = String(payload.id);
    const token = String(payload.token);
    this.state.interactions.set(token, {
      id,
      token,
      channelId: spec.channelId,
      guildId: this.state.guildIdOf(spec.channelId),
      userId: spec.user.id,
      type: Number(payload.type),
      messageId: spec.kind === 'command' ? null : (spec.messageId ?? null),
      originalId: null,
    });
    this.dispatch('INTERACTION_CREATE', payload);
    return { id, token, payload };
  }

  /**
   * The person shown the modal (the type 9 answer to interaction `token`) submits it, having typed
   * `values` (by custom_id): INTERACTION_CREATE type 5 in the modal's own layout. Throws where
   * Discord's client would not submit (see submittedComponents).
   */
  modalSubmit(spec: { token: string; values: Record<string, string> }): {
    id: string;
    token: string;
    payload: Json;
  } {
    const shown = this.callbackLog.find((c) => c.token === spec.token && c.type === 9);
    const origin = this.state.interactions.get(spec.token);
    if (!shown?.data || !origin)
      throw new Error('FakeDiscord.modalSubmit: no modal was shown for that interaction');
    return this.interactionCreate({
      kind: 'modal',
      channelId: origin.channelId,
      user: this.state.user(origin.userId),
      customId: String(shown.data.custom_id),
      components: submittedComponents(shown.data, spec.values),
    });
  }

  /** Closes the socket(s) with 4000 so discord.js RESUMEs; resolves once it has resumed (or re-identified). */
  forceReconnect(opts: { code?: number; invalidate?: boolean; timeoutMs?: number } = {}): Promise<void> {
    return this.gateway.forceReconnect(opts);
  }

  /** The next `n` requests matching `METHOD /path` (e.g. /^POST \/channels\/\d+\/messages$/) get a 429. */
  rateLimitNext(route: RegExp, n: number, retryAfterSec: number, opts: { global?: boolean } = {}): void {
    this.rest.rateLimitNext(route, n, retryAfterSec, opts);
  }

  /** Messages in a channel's history, oldest first (ephemeral interaction replies are not there). */
  messagesIn(channelId: string): Json[] {
    return [...this.state.messagesIn(channelId)];
  }

  /** Requests whose `METHOD /path` (no /api/v10 prefix, no query) matches. */
  requestsTo(methodAndPath: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => methodAndPath.test(`${r.method} ${r.path}`));
  }

  /** Interaction responses (POST /interactions/:id/:token/callback) that were accepted. */
  callbacks(): InteractionCallback[] {
    return [...this.callbackLog];
  }

  /** Polls `predicate` every 10 ms until it returns something truthy, which is resolved. */
  async waitFor<T>(predicate: () => T | null | undefined | false, timeoutMs = 5_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`FakeDiscord.waitFor: timed out after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async close(): Promise<void> {
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
