import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import { type Args, fail, type MethodResult } from './args.js';
import { FaultPlan, faultAnswer, RESPONSE_URL } from './faults.js';
import { bearerToken, parseArgs, parseJsonBody, readBody, send, sendJson } from './http.js';
import { type MessageCall, SlackRecords } from './records.js';
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

export type {
  FakeChannel,
  FakeUser,
  MessageCall,
  NewMessage,
  SlackCall,
  SlackFault,
  SlackResponseRecord,
  StoredMessage,
};

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

/**
 * A Slack Web API served on 127.0.0.1 for the real @slack/web-api and @slack/bolt code to talk to.
 * Give `url` as WebClient's `slackApiUrl` and `responseUrl()` as a payload's `response_url`.
 */
export class FakeSlack extends SlackRecords {
  readonly identity: SlackIdentity;
  private readonly faults = new FaultPlan();
  private readonly triggers = new Triggers();
  private readonly viewMethods: ReturnType<typeof viewRoutes>;
  private readonly server: Server;
  private readonly now: () => number;
  private address = '';
  private responseSeq = 0;
  /** Requests received and not yet carried out (reading the body, latency, holds). */
  private inFlight = 0;
  /** Socket Mode: `apps.connections.open` (with an `xapp-` token) points clients here. */
  readonly socketMode: FakeSocketMode;

  private constructor(opts: FakeSlackOptions) {
    const { now, ...ids } = opts;
    const identity = { ...SLACK_DEFAULTS };
    for (const [key, value] of Object.entries(ids)) {
      if (value !== undefined) identity[key as keyof SlackIdentity] = value;
    }
    super(new SlackState(identity, now ?? Date.now));
    this.identity = identity;
    this.now = now ?? Date.now;
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
    this.faults.hangAfter(after, match);
  }

  /** Calls carried out but not answered yet (see `hangAfter`). */
  get unanswered(): number {
    return this.faults.unanswered;
  }

  /** Stop hanging; held answers are dropped (their clients are usually gone by then). */
  stopHanging(): void {
    this.faults.stopHanging();
  }

  /** Delay, in ms, before every call is carried out and answered. */
  setLatency(ms: number): void {
    this.faults.latencyMs = ms;
  }

  /**
   * Calls to `method` (`'*'`: any Web API method) wait, not carried out, until the returned
   * function is called: an answer slower than the client's timeout, for as long as the test says.
   */
  hold(method: string): () => void {
    return this.faults.hold(method);
  }

  /**
   * Resolves once every request received so far has been carried out. A call whose client gave
   * up (timeout) is still carried out, as by Slack: a test that caused one waits for it here, so
   * it cannot land in the next test's counts or take the next test's planned fault.
   */
  idle(timeoutMs = 20_000): Promise<void> {
    return this.waitUntil(
      () => (this.inFlight === 0 ? true : undefined),
      timeoutMs,
      'no call in flight',
    ).then(() => {});
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

  // ---- serving ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = this.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    this.inFlight += 1;
    try {
      const raw = await readBody(req);
      const api = url.pathname.startsWith('/api/');
      // Like Slack, the fake carries out a call whose client has given up waiting for it.
      await this.faults.gate(api ? decodeURIComponent(url.pathname.slice(5)) : RESPONSE_URL);
      if (api) this.handleApi(req, res, url, raw, at);
      else if (url.pathname.startsWith('/response/')) this.handleResponse(req, res, url, raw, at);
      else sendJson(res, 404, { ok: false, error: 'not_found' });
    } finally {
      this.inFlight -= 1;
      this.waiters.notify();
    }
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
    if (this.faults.holdAnswer(call, res)) return;
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
}
