import type { ServerResponse } from 'node:http';
import type { App, Receiver } from '@slack/bolt';
import { type Handler, HttpError, mediaType, readBody, sendJson } from '../../http/server.js';
import type { RouteOptions } from '../../ports/http.js';
import type { Logger } from '../../ports/logger.js';
import {
  FORM_TYPE,
  isSslCheck,
  JSON_TYPE,
  MAX_SLACK_BODY_BYTES,
  parseSlackBody,
  type SlackPayload,
  unhandledReason,
} from './payload.js';
import { checkSignature } from './signature.js';

/** How the Slack endpoint is routed on the bot's server: POST only, Slack's two media types. */
export const SLACK_ROUTE: RouteOptions = {
  accepts: [JSON_TYPE, FORM_TYPE],
  maxBodyBytes: MAX_SLACK_BODY_BYTES,
};

/**
 * Bolt context key (customProperties) of the record the adapter's global middleware marks when a
 * listener threw for the request or event.
 */
export const OUTCOME_KEY = 'outcome';
export interface ListenerOutcome {
  failed: boolean;
}

export interface SlackReceiverOptions {
  signingSecret: string;
  logger: Logger;
  /** Clock for the signature's five-minute window (ms). */
  now?: () => number;
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Bolt's ack(): the HTTP answer, empty or carrying the listener's reply. */
function answer(res: ServerResponse, response: unknown): void {
  if (response === undefined || response === '') {
    res.writeHead(200, { 'content-length': 0 });
    res.end();
  } else if (typeof response === 'string') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(response);
  } else sendJson(res, 200, response);
}

/**
 * The Slack endpoint (HTTP mode) as a Bolt receiver on the bot's own server, in place of Bolt's
 * HTTPReceiver, which threw out of its request listener for any request but a POST to the endpoint
 * (ending the process), dispatched any JSON value, accepted signatures dated in the future, and
 * answered a request no listener took (an unknown command) 404 only after 3 s.
 *
 * Here a request is verified (signature, five minutes either way), parsed and checked (payload.ts)
 * before Bolt sees it; refused with a reason (401, 400) at once; and answered 400 at once when no
 * listener acknowledged it, 500 when one failed before acknowledging.
 */
export class SlackReceiver implements Receiver {
  private app: App | null = null;

  constructor(private readonly o: SlackReceiverOptions) {}

  init(app: App): void {
    this.app = app;
  }

  /** The bot's HTTP server serves the endpoint (see SLACK_ROUTE); there is nothing to start. */
  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  readonly handle: Handler = async (req, res) => {
    const raw = await readBody(req, MAX_SLACK_BODY_BYTES);
    const type = mediaType(req);
    if (isSslCheck(raw, type)) return answer(res, undefined);
    const check = checkSignature({
      signingSecret: this.o.signingSecret,
      body: raw,
      signature: header(req.headers['x-slack-signature']),
      timestamp: header(req.headers['x-slack-request-timestamp']),
      nowMs: this.o.now?.() ?? Date.now(),
    });
    if (!check.ok) {
      this.o.logger.warn({ reason: check.reason }, 'slack: request refused');
      throw new HttpError(401, 'invalid_signature', check.reason);
    }
    const p = parseSlackBody(raw, type);
    if (p.kind === 'invalid') throw new HttpError(400, 'invalid_payload', p.reason);
    if (p.kind === 'url_verification') return sendJson(res, 200, { challenge: p.challenge });
    if (p.kind === 'rate_limited') {
      this.o.logger.warn({}, 'slack: events paused by Slack (app_rate_limited)');
      return answer(res, undefined);
    }
    const retry = header(req.headers['x-slack-retry-num']);
    const reason = header(req.headers['x-slack-retry-reason']);
    await this.dispatch(p, res, {
      ...(retry !== undefined && /^\d+$/.test(retry) ? { retryNum: Number(retry) } : {}),
      ...(reason !== undefined ? { retryReason: reason } : {}),
    });
  };

  private async dispatch(
    p: Extract<SlackPayload, { kind: 'event' | 'command' | 'interaction' }>,
    res: ServerResponse,
    retry: { retryNum?: number; retryReason?: string },
  ): Promise<void> {
    if (!this.app) throw new Error('the Slack receiver is not attached to an app');
    const outcome: ListenerOutcome = { failed: false };
    let answered = false;
    const processed = this.app.processEvent({
      body: p.body,
      ack: async (response?: unknown) => {
        if (answered) return; // a second ack changes nothing: Slack has its answer
        answered = true;
        answer(res, response);
      },
      ...retry,
      customProperties: { [OUTCOME_KEY]: outcome },
    });
    try {
      await processed;
    } catch (err) {
      if (!answered) throw err; // answered 500 and logged by the server
      this.o.logger.error({ err }, 'slack: request failed after it was answered');
      return;
    }
    if (answered) return;
    // A failure was logged by the app's error handler; the sender only learns it was ours.
    if (outcome.failed) throw new HttpError(500, 'internal', 'internal error');
    throw new HttpError(400, 'unhandled', unhandledReason(p));
  }
}
