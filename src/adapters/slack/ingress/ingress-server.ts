import { Agent, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { HttpError, mediaType, pathOf, readBody, sendJson } from '../../../http/server.js';
import type { Logger } from '../../../ports/logger.js';
import { SLACK_EVENTS_PATH } from '../paths.js';
import { JSON_TYPE, MAX_SLACK_BODY_BYTES, parseSlackBody } from '../payload.js';
import { checkSignature } from '../signature.js';
import type { Journal, JournalEntry } from './journal.js';

export interface IngressOptions {
  signingSecret: string;
  /** The bot's own HTTP server (loopback), which serves everything the ingress does not. */
  upstream: { host: string; port: number };
  journal: Journal;
  /** Hands a journaled event to the bot (after Slack has been answered). */
  forward: (entry: JournalEntry) => void;
  /** Resolves when the bot has room for another event (see Backlog). */
  room: () => Promise<void>;
  logger: Logger;
  /** Injectable clock for the signature's five-minute window (ms). */
  now?: () => number;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The HTTP front of the Slack ingress process. Events API callbacks are verified, journaled and
 * answered here, on a thread that does nothing else, so the answer does not wait for the bot's
 * work; the bot gets them afterwards. Every other request (slash commands and buttons, whose
 * answer carries the bot's reply; health; the sandbox) is passed through to the bot's server.
 */
export function ingressHandler(o: IngressOptions): {
  handle: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
  /** Closes the kept-alive connections to the bot. */
  close: () => void;
} {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const proxy = (req: IncomingMessage, res: ServerResponse, body: Buffer | null) => {
    const headers = { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' };
    const out = request({ ...o.upstream, method: req.method, path: req.url, headers, agent }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', (err) => {
      o.logger.warn({ err: err.message, path: req.url }, 'slack ingress: the bot did not answer');
      if (!res.headersSent) sendJson(res, 502, { error: 'bad_gateway', message: 'the bot is not answering' });
      else res.destroy();
    });
    res.on('close', () => {
      if (!out.writableFinished || !res.writableFinished) out.destroy();
    });
    if (body) out.end(body);
    else req.pipe(out);
  };

  const onEvents = async (req: IncomingMessage, res: ServerResponse) => {
    if (Number(header(req, 'content-length') ?? 0) > MAX_SLACK_BODY_BYTES)
      throw new HttpError(413, 'payload_too_large', `the body is over ${MAX_SLACK_BODY_BYTES} bytes`);
    const raw = await readBody(req, MAX_SLACK_BODY_BYTES);
    const check = checkSignature({
      signingSecret: o.signingSecret,
      body: raw,
      signature: header(req, 'x-slack-signature'),
      timestamp: header(req, 'x-slack-request-timestamp'),
      nowMs: o.now?.() ?? Date.now(),
    });
    if (!check.ok) {
      o.logger.warn({ reason: check.reason }, 'slack ingress: request refused');
      throw new HttpError(401, 'invalid_signature', check.reason);
    }
    const p = parseSlackBody(raw, JSON_TYPE);
    if (p.kind === 'invalid') throw new HttpError(400, 'invalid_payload', p.reason);
    if (p.kind === 'url_verification') return sendJson(res, 200, { challenge: p.challenge });
    if (p.kind !== 'event') return proxy(req, res, raw); // the bot's receiver answers the rest
    const retry = header(req, 'x-slack-retry-num');
    const entry = o.journal.append({
      eventId: p.eventId,
      body: raw.toString('utf8'),
      retryNum: retry !== undefined && /^\d{1,6}$/.test(retry) ? Number(retry) : null,
      retryReason: header(req, 'x-slack-retry-reason') ?? null,
    });
    await o.room();
    res.writeHead(200, { 'content-length': 0 });
    res.end();
    o.forward(entry);
  };

  /**
   * Event callbacks are answered here; everything else, whatever its method or path, goes to the
   * bot's server, whose routes answer 404, 405, 413 and 415 by one rule. Run it with serve() (or
   * safely()), which answers whatever this throws.
   */
  const handle = (req: IncomingMessage, res: ServerResponse): void | Promise<void> => {
    if (req.method === 'POST' && pathOf(req.url) === SLACK_EVENTS_PATH && mediaType(req) === JSON_TYPE)
      return onEvents(req, res);
    proxy(req, res, null);
  };
  return { handle, close: () => agent.destroy() };
}
