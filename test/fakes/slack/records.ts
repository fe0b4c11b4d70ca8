import type { SlackState } from './state.js';
import type { SlackCall, SlackResponseRecord, StoredMessage } from './types.js';
import { Waiters } from './waiters.js';

/** A successful chat.postMessage / chat.update call with the message as it is stored now. */
export type MessageCall = SlackCall & { channel: string; ts: string; message: StoredMessage };

/** What the fake Slack recorded and stores, and the queries and waits tests make on it. */
export class SlackRecords {
  readonly calls: SlackCall[] = [];
  readonly responses: SlackResponseRecord[] = [];
  protected readonly waiters = new Waiters();

  constructor(protected readonly state: SlackState) {}

  /** Every attempt at `method`, faulted ones included (they carry `fault`). */
  callsTo(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  posted(channel?: string): MessageCall[] {
    return this.messageCalls('chat.postMessage', channel);
  }

  updates(channel?: string): MessageCall[] {
    return this.messageCalls('chat.update', channel);
  }

  ephemerals(channel?: string): SlackCall[] {
    return this.callsTo('chat.postEphemeral').filter(
      (c) => c.response?.ok === true && (!channel || c.args.channel === channel),
    );
  }

  /** Parent and replies, oldest first; `ts` may be any message of the thread. */
  threadOf(channel: string, ts: string): StoredMessage[] {
    return this.state.thread(channel, ts);
  }

  /** Stored messages (thread replies included), oldest first. */
  messages(channel?: string): StoredMessage[] {
    return this.state.all(channel);
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    return this.state.find(channel, ts);
  }

  /** The first call, recorded or yet to come, that matches; rejects after `timeoutMs`. */
  waitFor(predicate: (call: SlackCall) => boolean, timeoutMs = 20_000): Promise<SlackCall> {
    return this.waitUntil(() => this.calls.find(predicate), timeoutMs, 'a matching call');
  }

  /** Resolves with all calls to `method` (attempts, faulted included) once there are at least `n`. */
  waitForCalls(method: string, n: number, timeoutMs = 20_000): Promise<SlackCall[]> {
    const probe = () => {
      const calls = this.callsTo(method);
      return calls.length >= n ? calls : undefined;
    };
    return this.waitUntil(probe, timeoutMs, `${n} call(s) to ${method}`);
  }

  waitForResponse(
    predicate: (r: SlackResponseRecord) => boolean = () => true,
    timeoutMs = 20_000,
  ): Promise<SlackResponseRecord> {
    return this.waitUntil(() => this.responses.find(predicate), timeoutMs, 'a response_url POST');
  }

  protected record<T>(list: T[], item: T): void {
    list.push(item);
    this.waiters.notify();
  }

  private messageCalls(method: string, channel: string | undefined): MessageCall[] {
    const out: MessageCall[] = [];
    for (const call of this.callsTo(method)) {
      const r = call.response;
      if (r?.ok !== true || typeof r.channel !== 'string' || typeof r.ts !== 'string') continue;
      if (channel && r.channel !== channel) continue;
      const message = this.state.findAny(r.channel, r.ts);
      if (message) out.push({ ...call, channel: r.channel, ts: r.ts, message });
    }
    return out;
  }

  protected waitUntil<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return this.waiters.until(probe, timeoutMs, () => {
      const seen = this.calls.map((c) => (c.fault ? `${c.method}(fault)` : c.method)).join(', ');
      return `FakeSlack: timed out after ${timeoutMs} ms waiting for ${what}; calls: [${seen}]`;
    });
  }
}
