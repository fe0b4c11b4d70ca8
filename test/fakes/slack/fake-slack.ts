import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import { type Args, fail, type MethodResult } from './args.js';
import { FaultPlan, faultAnswer, RESPONSE_URL } from './faults.js';
import { bearerToken, parseArgs, parseJsonBody, readBody, send, sendJson } from './http.js';
import { chatRoutes } from './routes-chat.js';
import { readRoutes } from './routes-read.js';
import { viewSubmission } from './slack-payloads.js';
import { FakeSocketMode } from './socket-mode.js';
import { SlackState } from './state.js';
import {
  type FakeChannel,
  type FakeUser,
  type NewMessage,
  SLACK_DEFAULTS,
  type SlackCall,
  type SlackFault,
  type SlackIdentity,
  type SlackResponseRecord,
  type StoredMessage,
} from './types.js';
import { filledValues, Triggers, viewRoutes } from './views.js';
import { Waiters } from './waiters.js';

export type { FakeChannel, FakeUser, NewMessage, SlackCall, SlackFault, SlackResponseRecord, StoredMessage };

const ROUTES = { ...chatRoutes, ...readRoutes };

export interface FakeSlackOptions {
  teamId?: string;
  teamDomain?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  /** Clock in ms since the epoch for message ts and call times; defaults to `Date.now`. */
  now?: () => number;
}

/** A successful chat.postMessage / chat.update call with the message as it is stored now. */
export type MessageCall = SlackCall & { channel: string; ts: string; message: StoredMessage };

/**
 * A Slack Web API served on 127.0.0.1 for the real @slack/web-api and @slack/bolt code to talk to.
 * Give `url` as WebClient's `slackApiUrl` and `responseUrl()` as a payload's `response_url`.
 */
export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly responses: SlackResponseRecord[] = [];
  readonly identity: SlackIdentity;
  private readonly state: SlackState;
  private readonly faults = new FaultPlan();
  private readonly waiters = new Waiters();
  private readonly triggers = new Triggers();
  private readonly viewMethods: ReturnType<typeof viewRoutes>;
  private readonly server: Server;
  private readonly now: () => number;
  private address = '';
  private responseSeq = 0;
  private hang: { match: (call: SlackCall) => boolean; after: number } | undefined;
  private readonly held: ServerResponse[] = [];
  /** Socket Mode: `apps.connections.open` (with an `xapp-` token) points clients here. */
  readonly socketMode: FakeSocketMode;

  private constructor(opts: FakeSlackOptions) {
    const { now, ...ids } = opts;
    this.identity = { ...SLACK_DEFAULTS };
    for (const [key, value] of Object.entries(ids)) {
      if (value !== undefined) this.identity[key as keyof SlackIdentity] = value;
    }
    this.now = now ?? Date.now;
    this.state = new SlackState(this.identity, this.now);
    this.viewMethods = viewRoutes(this.triggers, this.now);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => send(res, 500, {}, String(err)));
    });
    this.socketMode = new FakeSocketMode(this.identity.appId);
    this.server.on('upgrade', (req, socket, head) => {
      if (!this.socketMode.upgrade(req, socket, head)) socket.destroy();
    });
  }

  static async start(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
    const fake = new FakeSlack(opts);
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(0, '127.0.0.1', () => resolve());
    });
    fake.address = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** `http://127.0.0.1:PORT` */
  get origin(): string {
    return this.address;
  }

  /** A real Web API client pointed at this fake: no retries, errors only in its log. */
  webClient(opts: WebClientOptions = {}): WebClient {
    return new WebClient('xoxb-test', {
      slackApiUrl: this.url,
      retryConfig: { retries: 0 },
      logLevel: LogLevel.ERROR,
      ...opts,
    });
  }

  /** `http://127.0.0.1:PORT/api/`, what WebClient takes as `slackApiUrl`. */
  get url(): string {
    return `${this.address}/api/`;
  }

  async close(): Promise<void> {
    this.waiters.rejectAll('FakeSlack closed');
    this.stopHanging();
    this.socketMode.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- seeding ----

  addUser(user: FakeUser): void {
    this.state.users.set(user.id, user);
  }

  addChannel(channel: FakeChannel): void {
    this.state.channels.set(channel.id, channel);
  }

  /** A message that exists in Slack before any event mentions it (a customer's message, say). */
  addMessage(channel: string, message: NewMessage): StoredMessage {
    return this.state.addMessage(channel, message);
  }

  /** A URL whose POSTs are recorded in `responses` under `id`. */
  responseUrl(id?: string): string {
    this.responseSeq += 1;
    return `${this.address}/response/${encodeURIComponent(id ?? `R${this.responseSeq}`)}`;
  }

  // ---- faults ----

  /**
   * The next `n` calls to `method` (`'*'`: any Web API method; `'response_url'`: response URL
   * POSTs) get `fault` instead of an answer. Queued plans are used in order.
   */
  failNext(method: string, n: number, fault: SlackFault): void {
    this.faults.add(method, n, fault);
  }

  /**
   * After `after` more answered calls that `match`, carry out every further matching call (it is
   * recorded and changes the state) but never answer it: the in-doubt attempt a crash leaves behind.
   */
  hangAfter(after: number, match: (call: SlackCall) => boolean): void {
    this.hang = { match, after };
  }

  /** Calls carried out but not answered yet (see `hangAfter`). */
  get unanswered(): number {
    return this.held.length;
  }

  /** Stop hanging; held answers are dropped (their clients are usually gone by then). */
  stopHanging(): void {
    this.hang = undefined;
    for (const res of this.held.splice(0)) res.destroy();
  }

  /** Delay, in ms, before every answer. */
  setLatency(ms: number): void {
    this.faults.latencyMs = ms;
  }

  /** Forget recordings, faults and latency; also users, channels and messages unless `keepState`. */
  reset(opts: { keepState?: boolean } = {}): void {
    this.calls.length = 0;
    this.responses.length = 0;
    this.faults.clear();
    this.stopHanging();
    if (!opts.keepState) {
      this.state.clear();
      this.triggers.clear();
    }
  }

  // ---- modals ----

  /**
   * A trigger id for a payload the test sends as `userId` (a slash command, a button): good for
   * one `views.open` within 3 s, as Slack's.
   */
  issueTrigger(userId: string): string {
    return this.triggers.issue(userId, this.now());
  }

  /** Modals opened (and updated), oldest first, as views.open answered them. */
  views(): Array<Record<string, unknown>> {
    return [...this.state.views.values()].map(({ __user: _user, ...v }) => v);
  }

  /**
   * The `view_submission` body (form-encoded, to sign and POST to the app) of the person the view
   * was opened for, having typed `values` (by action id) into its text inputs. Throws where Slack's
   * client would not submit (a required field empty, text over `max_length`).
   */
  viewSubmission(viewId: string, values: Record<string, string>): string {
    const view = this.state.views.get(viewId);
    if (!view) throw new Error(`FakeSlack: no view ${viewId}`);
    const { __user: user, ...shown } = view;
    if (typeof user !== 'string')
      throw new Error(`FakeSlack: view ${viewId} was opened with a trigger it did not issue`);
    const filled = { ...shown, state: { values: filledValues(shown, values) } };
    const team = this.state.users.get(user)?.teamId ?? this.identity.teamId;
    return viewSubmission({ userId: user, teamId: team, view: filled });
  }

  // ---- queries ----

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
  waitFor(predicate: (call: SlackCall) => boolean, timeoutMs = 5000): Promise<SlackCall> {
    return this.waitUntil(() => this.calls.find(predicate), timeoutMs, 'a matching call');
  }

  /** Resolves with all calls to `method` (attempts, faulted included) once there are at least `n`. */
  waitForCalls(method: string, n: number, timeoutMs = 5000): Promise<SlackCall[]> {
    const probe = () => {
      const calls = this.callsTo(method);
      return calls.length >= n ? calls : undefined;
    };
    return this.waitUntil(probe, timeoutMs, `${n} call(s) to ${method}`);
  }

  waitForResponse(
    predicate: (r: SlackResponseRecord) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<SlackResponseRecord> {
    return this.waitUntil(() => this.responses.find(predicate), timeoutMs, 'a response_url POST');
  }

  // ---- serving ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = this.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    if (this.faults.latencyMs > 0) await sleep(this.faults.latencyMs);
    if (url.pathname.startsWith('/api/')) this.handleApi(req, res, url, raw, at);
    else if (url.pathname.startsWith('/response/')) this.handleResponse(req, res, url, raw, at);
    else sendJson(res, 404, { ok: false, error: 'not_found' });
  }

  private handleApi(req: IncomingMessage, res: ServerResponse, url: URL, raw: string, at: number): void {
    const method = decodeURIComponent(url.pathname.slice('/api/'.length));
    const parsed = parseArgs(req.headers['content-type'], raw, url.searchParams);
    // WebClient puts a per-call token override in the body as well as in the header.
    const { token: _bodyToken, ...args } = parsed.args;
    const token = bearerToken(req.headers.authorization);
    const call: SlackCall = {
      method,
      args,
      at,
      httpMethod: req.method ?? 'POST',
      ...(token ? { token } : {}),
    };
    const fault = this.faults.take(method);
    if (fault) {
      const answer = faultAnswer(fault);
      call.fault = fault;
      if (answer.json) call.response = answer.json;
      this.record(this.calls, call);
      send(res, answer.status, answer.headers, answer.body);
      return;
    }
    const result = parsed.error ? fail(parsed.error) : this.dispatch(method, args, token);
    call.response = result;
    this.record(this.calls, call);
    if (this.hang?.match(call)) {
      if (this.hang.after <= 0) {
        this.held.push(res);
        return;
      }
      this.hang.after -= 1;
    }
    sendJson(res, 200, result);
  }

  private dispatch(method: string, args: Args, token: string | undefined): MethodResult {
    if (!token) return fail('not_authed');
    if (method === 'apps.connections.open')
      return token.startsWith('xapp-')
        ? { ok: true, url: `${this.address.replace(/^http/, 'ws')}/socket?ticket=${this.calls.length}` }
        : fail('not_allowed_token_type');
    if (!/^xox[bp]-/.test(token)) return fail('invalid_auth');
    const route = ROUTES[method] ?? this.viewMethods[method];
    return route ? route(args, this.state) : fail('unknown_method');
  }

  private handleResponse(req: IncomingMessage, res: ServerResponse, url: URL, raw: string, at: number): void {
    const id = decodeURIComponent(url.pathname.slice('/response/'.length));
    const record: SlackResponseRecord = { id, body: parseJsonBody(req.headers['content-type'], raw), at };
    const fault = this.faults.take(RESPONSE_URL);
    if (fault) {
      const answer = faultAnswer(fault);
      this.record(this.responses, { ...record, fault });
      send(res, answer.status, answer.headers, answer.body);
      return;
    }
    this.record(this.responses, record);
    sendJson(res, 200, { ok: true });
  }

  private record<T>(list: T[], item: T): void {
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

  private waitUntil<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return this.waiters.until(probe, timeoutMs, () => {
      const seen = this.calls.map((c) => (c.fault ? `${c.method}(fault)` : c.method)).join(', ');
      return `FakeSlack: timed out after ${timeoutMs} ms waiting for ${what}; calls: [${seen}]`;
    });
  }
}
