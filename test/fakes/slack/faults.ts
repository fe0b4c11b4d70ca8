import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SlackCall, SlackFault } from './types.js';

/** Method key for faults on `response_url` POSTs. */
export const RESPONSE_URL = 'response_url';
/** Method key matching every Web API method. */
export const ANY_METHOD = '*';

interface Planned {
  fault: SlackFault;
  remaining: number;
}

/**
 * Faults queued per method, consumed in order, one per attempt; a latency applied to every call;
 * and holds: calls to a method wait, not yet carried out, until the test releases them.
 */
export class FaultPlan {
  private readonly queues = new Map<string, Planned[]>();
  private readonly holds = new Map<string, { released: Promise<void>; release: () => void }>();
  private hang: { match: (call: SlackCall) => boolean; after: number } | undefined;
  private readonly held: ServerResponse[] = [];
  latencyMs = 0;

  /** See FakeSlack.hangAfter: answers of matching calls after the first `after` are never sent. */
  hangAfter(after: number, match: (call: SlackCall) => boolean): void {
    this.hang = { match, after };
  }

  /** Keeps `res` unanswered if the call, already carried out, falls under hangAfter; true if so. */
  holdAnswer(call: SlackCall, res: ServerResponse): boolean {
    if (!this.hang?.match(call)) return false;
    if (this.hang.after > 0) {
      this.hang.after -= 1;
      return false;
    }
    this.held.push(res);
    return true;
  }

  /** Calls carried out but not answered (hangAfter). */
  get unanswered(): number {
    return this.held.length;
  }

  /** Stop hanging; held answers are dropped (their clients are usually gone by then). */
  stopHanging(): void {
    this.hang = undefined;
    for (const res of this.held.splice(0)) res.destroy();
  }

  /**
   * Calls to `method` (`'*'`: any) wait until the returned function is called, then are carried
   * out as usual: Slack slower than the client's patience, for exactly as long as the test says.
   */
  hold(method: string): () => void {
    this.holds.get(method)?.release();
    let release = () => {};
    const released = new Promise<void>((r) => {
      release = r;
    });
    const entry = {
      released,
      release: () => {
        if (this.holds.get(method) === entry) this.holds.delete(method);
        release();
      },
    };
    this.holds.set(method, entry);
    return entry.release;
  }

  /** Waits as long as a hold on `method` (or on every method) and the latency say. */
  async gate(method: string): Promise<void> {
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    for (const key of [method, ANY_METHOD]) await this.holds.get(key)?.released;
  }

  add(method: string, n: number, fault: SlackFault): void {
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`FakeSlack.failNext: n must be a positive integer, got ${n}`);
    const queue = this.queues.get(method) ?? [];
    queue.push({ fault, remaining: n });
    this.queues.set(method, queue);
  }

  /** The fault for this attempt, if one is planned; a method's own plan wins over `*`. */
  take(method: string): SlackFault | undefined {
    const keys = method === RESPONSE_URL ? [method] : [method, ANY_METHOD];
    for (const key of keys) {
      const queue = this.queues.get(key);
      const head = queue?.[0];
      if (!queue || !head) continue;
      head.remaining -= 1;
      if (head.remaining === 0) queue.shift();
      return head.fault;
    }
    return undefined;
  }

  clear(): void {
    this.queues.clear();
    this.latencyMs = 0;
    for (const h of [...this.holds.values()]) h.release();
  }
}

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8' };

export interface FaultAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The JSON answered, when the fault answers JSON. */
  json?: Record<string, unknown>;
}

/** What Slack answers for a fault: 429 with Retry-After, a bare HTTP error, or `ok:false` with HTTP 200. */
export function faultAnswer(fault: SlackFault): FaultAnswer {
  if ('error' in fault) {
    const json = { ok: false, error: fault.error };
    return { status: 200, headers: jsonHeaders, body: JSON.stringify(json), json };
  }
  if (fault.status === 429) {
    const json = { ok: false, error: 'ratelimited' };
    const headers = { ...jsonHeaders, 'retry-after': String(fault.retryAfterSec) };
    return { status: 429, headers, body: JSON.stringify(json), json };
  }
  return {
    status: fault.status,
    headers: { 'content-type': 'text/plain' },
    body: `fake upstream error ${fault.status}`,
  };
}
