import type { FakeChannel, FakeUser, NewMessage, SlackIdentity, StoredMessage } from './types.js';

const MICROS = 1_000_000n;

/** Exact value of a Slack ts in microseconds; parseFloat would drop the last digits. Invalid → -1. */
export function tsToMicros(ts: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(ts);
  if (!match) return -1n;
  return BigInt(match[1] ?? '0') * MICROS + BigInt((match[2] ?? '').padEnd(6, '0'));
}

export function microsToTs(us: bigint): string {
  return `${us / MICROS}.${(us % MICROS).toString().padStart(6, '0')}`;
}

export function compareTs(a: string, b: string): number {
  const d = tsToMicros(a) - tsToMicros(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** Workspace state: users, channels and messages per channel, kept the way Slack keeps them. */
export class SlackState {
  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, FakeChannel>();
  readonly views = new Map<string, Record<string, unknown>>();
  private readonly messages = new Map<string, StoredMessage[]>();
  private readonly dms = new Map<string, string>();
  /** Deleted messages, so recordings of past posts can still show what was posted. */
  private readonly tombstones = new Map<string, StoredMessage>();
  private lastMicros = 0n;
  private viewSeq = 0;

  constructor(
    readonly identity: SlackIdentity,
    private readonly now: () => number,
  ) {}

  clear(): void {
    this.users.clear();
    this.channels.clear();
    this.views.clear();
    this.messages.clear();
    this.index.clear();
    this.dms.clear();
    this.tombstones.clear();
  }

  private readonly index = new Map<string, StoredMessage>();

  /** A fresh ts, increasing across the whole fake, from the clock with 100 µs steps on ties. */
  nextTs(channel?: string): string {
    let us = BigInt(Math.floor(this.now())) * 1000n;
    if (us <= this.lastMicros) us = this.lastMicros + 100n;
    this.lastMicros = us;
    const ts = microsToTs(us);
    return channel && this.find(channel, ts) ? this.nextTs(channel) : ts;
  }

  nextViewId(): string {
    this.viewSeq += 1;
    return `V${String(this.viewSeq).padStart(9, '0')}`;
  }

  addMessage(channel: string, input: NewMessage): StoredMessage {
    const ts = input.ts ?? this.nextTs(channel);
    if (this.find(channel, ts)) throw new Error(`FakeSlack: message ${channel}/${ts} already exists`);
    const message: StoredMessage = { ...input, channel, ts, reactions: [] };
    const list = this.messages.get(channel) ?? [];
    list.push(message);
    this.messages.set(channel, list);
    this.index.set(`${channel}/${ts}`, message);
    return message;
  }

  removeMessage(channel: string, ts: string): void {
    const list = this.messages.get(channel) ?? [];
    const gone = list.find((m) => m.ts === ts);
    if (gone) this.tombstones.set(`${channel}/${ts}`, gone);
    this.index.delete(`${channel}/${ts}`);
    this.messages.set(
      channel,
      list.filter((m) => m.ts !== ts),
    );
  }

  /** Live or deleted message. */
  findAny(channel: string, ts: string): StoredMessage | undefined {
    return this.find(channel, ts) ?? this.tombstones.get(`${channel}/${ts}`);
  }

  find(channel: string, ts: string): StoredMessage | undefined {
    // Indexed: benchmarks post tens of thousands of messages, and a scan per call would make the
    // fake, not the bot, the bottleneck.
    return this.index.get(`${channel}/${ts}`);
  }

  /** Whether Slack would know the channel: registered, a DM we opened, or holding messages. */
  knowsChannel(channel: string): boolean {
    return this.channels.has(channel) || this.messages.has(channel);
  }

  /** Parent followed by its replies, oldest first; `ts` may be the parent's or any reply's. */
  thread(channel: string, ts: string): StoredMessage[] {
    const message = this.find(channel, ts);
    if (!message) return [];
    const rootTs = message.thread_ts ?? message.ts;
    const parent = this.find(channel, rootTs);
    if (!parent) return [];
    return [parent, ...this.replies(channel, rootTs)];
  }

  /** Top-level messages of a channel (thread replies live only in their thread), oldest first. */
  history(channel: string): StoredMessage[] {
    const list = this.messages.get(channel) ?? [];
    return list
      .filter((m) => !m.thread_ts || m.thread_ts === m.ts || m.subtype === 'thread_broadcast')
      .sort((a, b) => compareTs(a.ts, b.ts));
  }

  all(channel?: string): StoredMessage[] {
    const lists = channel ? [this.messages.get(channel) ?? []] : [...this.messages.values()];
    return lists.flat().sort((a, b) => compareTs(a.ts, b.ts));
  }

  /** DM channel id for a comma-separated user list, stable for the same set of users. */
  openDm(users: string): string {
    const key = users
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean)
      .sort()
      .join(',');
    let id = this.dms.get(key);
    if (!id) {
      id = `D${String(this.dms.size + 1).padStart(9, '0')}`;
      this.dms.set(key, id);
      const single = !key.includes(',');
      this.channels.set(
        id,
        single ? { id, isIm: true, isPrivate: true, user: key } : { id, isPrivate: true },
      );
    }
    return id;
  }

  /** The message as Slack's read APIs render it. */
  render(m: StoredMessage, includeMetadata: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = { type: 'message' };
    if (m.subtype) out.subtype = m.subtype;
    Object.assign(out, { user: m.user, text: m.text, ts: m.ts, team: m.team ?? this.identity.teamId });
    if (m.bot_id) {
      const appId = m.app_id ?? this.identity.appId;
      out.bot_id = m.bot_id;
      out.app_id = appId;
      out.bot_profile = { id: m.bot_id, app_id: appId, name: 'tierdesk', team_id: this.identity.teamId };
    }
    if (m.blocks) out.blocks = m.blocks;
    if (m.attachments) out.attachments = m.attachments;
    if (m.edited) out.edited = m.edited;
    if (m.thread_ts && m.thread_ts !== m.ts) {
      out.thread_ts = m.thread_ts;
      out.parent_user_id = this.find(m.channel, m.thread_ts)?.user;
    }
    Object.assign(out, this.threadSummary(m));
    if (m.reactions.length > 0) {
      out.reactions = m.reactions.map((r) => ({ name: r.name, users: r.users, count: r.users.length }));
    }
    if (includeMetadata && m.metadata) out.metadata = m.metadata;
    return out;
  }

  private replies(channel: string, rootTs: string): StoredMessage[] {
    return (this.messages.get(channel) ?? [])
      .filter((m) => m.thread_ts === rootTs && m.ts !== rootTs)
      .sort((a, b) => compareTs(a.ts, b.ts));
  }

  private threadSummary(m: StoredMessage): Record<string, unknown> {
    if (m.thread_ts && m.thread_ts !== m.ts) return {};
    const replies = this.replies(m.channel, m.ts);
    const last = replies.at(-1);
    if (!last) return m.thread_ts ? { thread_ts: m.ts } : {};
    const users = [...new Set(replies.map((r) => r.user))];
    return {
      thread_ts: m.ts,
      reply_count: replies.length,
      reply_users_count: users.length,
      reply_users: users.slice(0, 5),
      latest_reply: last.ts,
    };
  }
}
