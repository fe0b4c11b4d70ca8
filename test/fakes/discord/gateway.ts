import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Json } from './payloads.js';

/** Gateway intent bits used to filter dispatches as Discord does. */
export const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildMessages: 1 << 9,
  GuildMessageReactions: 1 << 10,
  DirectMessages: 1 << 12,
  DirectMessageReactions: 1 << 13,
  MessageContent: 1 << 15,
} as const;

export interface GatewayEvent {
  s: number;
  t: string;
  d: Json;
}

interface Session {
  id: string;
  seq: number;
  intents: number;
  log: GatewayEvent[];
  socket: WebSocket | null;
  resumable: boolean;
}

export interface GatewayHooks {
  url(): string;
  bot(): { id: string };
  ready(sessionId: string): Json;
  guildCreates(): Json[];
}

export const HEARTBEAT_INTERVAL = 41_250;

/** Which intent (guild, DM) an event needs; undefined = always delivered. */
function requiredIntent(t: string, d: Json): number | undefined {
  const inGuild = typeof d.guild_id === 'string';
  if (t.startsWith('MESSAGE_REACTION_')) {
    return inGuild ? Intent.GuildMessageReactions : Intent.DirectMessageReactions;
  }
  if (t.startsWith('MESSAGE_')) return inGuild ? Intent.GuildMessages : Intent.DirectMessages;
  if (t.startsWith('GUILD_MEMBER')) return Intent.GuildMembers;
  if (t.startsWith('CHANNEL_') || t.startsWith('THREAD_') || t.startsWith('GUILD_ROLE_')) {
    return Intent.Guilds;
  }
  return undefined;
}

/**
 * The gateway side of the fake: HELLO, heartbeats, IDENTIFY → READY + GUILD_CREATE, RESUME with replay.
 * Each IDENTIFY opens a session with its own sequence and event log; dispatches go to every live session
 * whose intents cover the event (events for a disconnected but resumable session are logged and replayed).
 */
export class FakeGateway extends EventEmitter {
  readonly identifies: Array<{ token: string; intents: number; shard: unknown; at: number }> = [];
  readonly resumes: Array<{ sessionId: string; seq: number; ok: boolean; at: number }> = [];
  /** Every payload a client sent (heartbeats included). */
  readonly received: Json[] = [];
  private readonly wss: WebSocketServer;
  private readonly sessions = new Map<string, Session>();
  private readonly sockets = new Set<WebSocket>();

  constructor(
    server: Server,
    private readonly hooks: GatewayHooks,
  ) {
    super();
    this.wss = new WebSocketServer({ server, path: '/gateway' });
    this.wss.on('connection', (ws) => this.onConnection(ws));
  }

  /** Sends `{op:0,s,t,d}` to every session that wants it; returns how many sessions got (or will replay) it. */
  dispatch(t: string, d: Json): number {
    let count = 0;
    for (const session of this.sessions.values()) {
      if (!session.resumable) continue;
      const needed = requiredIntent(t, d);
      if (needed !== undefined && (session.intents & needed) === 0) continue;
      this.send(session, t, this.filterContent(session, t, d));
      count++;
    }
    return count;
  }

  /**
   * Sends `{op:0,s,t,d}` exactly as given to every live session, whatever `t` and `d` are: a gateway
   * that does not keep to Discord's shapes. No intent or content filtering (they read `d`).
   */
  dispatchRaw(t: unknown, d: unknown): number {
    let count = 0;
    for (const session of this.sessions.values()) {
      if (!session.resumable) continue;
      this.send(session, t as string, d as Json);
      count++;
    }
    return count;
  }

  /**
   * Sends `frame` as it is (any text: a frame with another opcode, `d: null`, not JSON at all) on
   * every live session's socket, outside the sequence: a gateway broken below the dispatch level.
   */
  sendFrame(frame: string): number {
    let count = 0;
    for (const session of this.sessions.values()) {
      if (session.socket?.readyState !== 1) continue;
      session.socket.send(frame);
      count++;
    }
    return count;
  }

  /** Sessions that are connected right now. */
  liveSessions(): number {
    return [...this.sessions.values()].filter((s) => s.socket?.readyState === 1).length;
  }

  /** The last sequence number dispatched on the newest session. */
  lastSeq(): number {
    return [...this.sessions.values()].at(-1)?.seq ?? 0;
  }

  /**
   * Closes every live socket with `code` (4000 = unknown error: discord.js resumes). With `invalidate`, the
   * session is dropped first, so the RESUME gets op 9 (d:false) and the client identifies again.
   * Resolves when as many READY/RESUMED have been sent as sockets were closed.
   */
  forceReconnect(opts: { code?: number; invalidate?: boolean; timeoutMs?: number } = {}): Promise<void> {
    const live = [...this.sessions.values()].filter((s) => s.socket?.readyState === 1);
    const wanted = live.length;
    const done = new Promise<void>((resolve, reject) => {
      if (wanted === 0) return resolve();
      let seen = 0;
      const timer = setTimeout(() => {
        this.off('connected', onConnected);
        reject(new Error(`FakeDiscord: client did not reconnect within ${opts.timeoutMs ?? 15_000} ms`));
      }, opts.timeoutMs ?? 15_000);
      const onConnected = () => {
        if (++seen < wanted) return;
        clearTimeout(timer);
        this.off('connected', onConnected);
        resolve();
      };
      this.on('connected', onConnected);
    });
    for (const session of live) {
      if (opts.invalidate) session.resumable = false;
      session.socket?.close(opts.code ?? 4000, 'FakeDiscord: forced reconnect');
      session.socket = null;
    }
    return done;
  }

  /**
   * Resolves once every connected client has taken in everything dispatched to it so far: asks it
   * for a heartbeat (op 1, as Discord may) until one carries its session's last sequence. discord.js
   * hands a dispatch to its listeners before it answers a heartbeat request sent after it, so from
   * then on every event's handler has started.
   */
  async caughtUp(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const session of this.sessions.values()) {
      const target = session.seq;
      while (session.socket?.readyState === 1) {
        if ((await this.heartbeatOf(session.socket, deadline)) >= target) break;
      }
    }
  }

  /** Sends a heartbeat request and resolves with the sequence the client's heartbeat carries. */
  private heartbeatOf(ws: WebSocket, deadline: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          ws.off('message', onMessage);
          reject(new Error('FakeDiscord: the client did not answer a heartbeat request in time'));
        },
        Math.max(0, deadline - Date.now()),
      );
      const onMessage = (raw: unknown) => {
        const payload = JSON.parse(String(raw)) as Json;
        if (payload.op !== 1) return;
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve(Number(payload.d ?? 0));
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ op: 1, s: null, t: null, d: null }));
    });
  }

  close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private onConnection(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.send(JSON.stringify({ op: 10, s: null, t: null, d: { heartbeat_interval: HEARTBEAT_INTERVAL } }));
    ws.on('message', (raw) => this.onMessage(ws, raw.toString()));
    ws.on('close', (code) => {
      this.sockets.delete(ws);
      for (const session of this.sessions.values()) {
        if (session.socket !== ws) continue;
        session.socket = null;
        // A client closing with 1000/1001 ends its session, as on Discord.
        if (code === 1000 || code === 1001) session.resumable = false;
      }
    });
  }

  private onMessage(ws: WebSocket, text: string): void {
    let payload: Json;
    try {
      payload = JSON.parse(text) as Json;
    } catch {
      ws.close(4002, 'Error while decoding payload.');
      return;
    }
    this.received.push(payload);
    const d = (payload.d ?? {}) as Json;
    switch (payload.op) {
      case 1:
        ws.send(JSON.stringify({ op: 11, s: null, t: null, d: null }));
        return;
      case 2:
        this.identify(ws, d);
        return;
      case 6:
        this.resume(ws, d);
        return;
      default:
        return;
    }
  }

  private identify(ws: WebSocket, d: Json): void {
    const intents = Number(d.intents ?? 0);
    this.identifies.push({ token: String(d.token), intents, shard: d.shard, at: Date.now() });
    const session: Session = {
      id: randomBytes(16).toString('hex'),
      seq: 0,
      intents,
      log: [],
      socket: ws,
      resumable: true,
    };
    this.sessions.set(session.id, session);
    this.send(session, 'READY', this.hooks.ready(session.id));
    for (const guild of this.hooks.guildCreates()) this.send(session, 'GUILD_CREATE', guild);
    this.emit('connected', 'READY', session.id);
  }

  private resume(ws: WebSocket, d: Json): void {
    const session = this.sessions.get(String(d.session_id));
    const seq = Number(d.seq ?? 0);
    const ok = session?.resumable === true;
    this.resumes.push({ sessionId: String(d.session_id), seq, ok, at: Date.now() });
    if (!session || !ok) {
      ws.send(JSON.stringify({ op: 9, s: null, t: null, d: false }));
      return;
    }
    if (session.socket && session.socket !== ws) session.socket.close(4000, 'FakeDiscord: resumed elsewhere');
    session.socket = ws;
    for (const event of session.log) {
      if (event.s > seq) ws.send(JSON.stringify({ op: 0, ...event }));
    }
    session.seq++;
    ws.send(JSON.stringify({ op: 0, s: session.seq, t: 'RESUMED', d: { _trace: ['fake-discord'] } }));
    this.emit('connected', 'RESUMED', session.id);
  }

  private send(session: Session, t: string, d: Json): void {
    const event: GatewayEvent = { s: ++session.seq, t, d };
    session.log.push(event);
    if (session.socket?.readyState === 1) session.socket.send(JSON.stringify({ op: 0, ...event }));
  }

  /** Without MESSAGE_CONTENT, guild messages reach the bot without content unless they mention it or are its own. */
  private filterContent(session: Session, t: string, d: Json): Json {
    if (t !== 'MESSAGE_CREATE' && t !== 'MESSAGE_UPDATE') return d;
    if (session.intents & Intent.MessageContent || typeof d.guild_id !== 'string') return d;
    const botId = this.hooks.bot().id;
    const author = d.author as Json | undefined;
    const content = typeof d.content === 'string' ? d.content : '';
    if (author?.id === botId || content.includes(`<@${botId}>`)) return d;
    return { ...d, content: '', embeds: [], attachments: [], components: [] };
  }
}
