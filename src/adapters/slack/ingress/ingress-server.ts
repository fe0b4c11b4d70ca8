import { Agent, type IncomingMessage, request, type ServerResponse } from 'node:http';
// Bolt's own check (HMAC-SHA256 over v0:timestamp:body, five-minute window, constant-time compare),
// imported from its module so the ingress does not load the rest of Bolt.
import { verifySlackRequest } from '@slack/bolt/dist/receivers/verify-request.js';
import type { Logger } from '../../../ports/logger.js';
import { SLACK_EVENTS_PATH } from '../paths.js';
import type { Journal, JournalEntry } from './journal.js';

/** Slack's payloads are far below this; anything larger is refused before it is buffered. */
const MAX_BODY_BYTES = 1024 * 1024;

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

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        resolve(null);
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
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
  handle: (req: IncomingMessage, res: ServerResponse) => void;
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
      if (!res.headersSent) send(res, 502, { error: 'bad_gateway', message: 'the bot is not answering' });
      else res.destroy();
    });
    res.on('close', () => {
      if (!out.writableFinished || !res.writableFinished) out.destroy();
    });
    if (body) out.end(body);
    else req.pipe(out);
  };

  const onEvents = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    if (raw === null)
      return send(res, 413, { error: 'payload_too_large', message: `body over ${MAX_BODY_BYTES} bytes` });
    const text = raw.toString('utf8');
    try {
      verifySlackRequest({
        signingSecret: o.signingSecret,
        body: text,
        headers: {
          'x-slack-signature': header(req, 'x-slack-signature') ?? '',
          'x-slack-request-timestamp': Number(header(req, 'x-slack-request-timestamp')),
        },
        ...(o.now ? { nowMilliseconds: o.now() } : {}),
      });
    } catch (err) {
      o.logger.warn({ reason: (err as Error).message }, 'slack ingress: request refused');
      return send(res, 401, { error: 'invalid_signature', message: 'the request is not signed by Slack' });
    }
    let parsed: { type?: unknown; challenge?: unknown; event_id?: unknown };
    try {
      parsed = JSON.parse(text);
    } catch {
      return send(res, 400, { error: 'invalid_json', message: 'the body is not JSON' });
    }
    if (parsed.type === 'url_verification') return send(res, 200, { challenge: parsed.challenge });
    if (parsed.type !== 'event_callback' || typeof parsed.event_id !== 'string') return proxy(req, res, raw);
    const retry = header(req, 'x-slack-retry-num');
    const entry = o.journal.append({
      eventId: parsed.event_id,
      body: text,
      retryNum: retry === undefined ? null : Number(retry),
      retryReason: header(req, 'x-slack-retry-reason') ?? null,
    });
    await o.room();
    res.writeHead(200, { 'content-length': 0 });
    res.end();
    o.forward(entry);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (header(req, 'content-type') ?? '').startsWith('application/json');
    if (req.method === 'POST' && path === SLACK_EVENTS_PATH && json) {
      onEvents(req, res).catch((err: unknown) => {
        o.logger.error({ err }, 'slack ingress: request failed');
        if (!res.headersSent) send(res, 500, { error: 'internal', message: 'internal error' });
      });
    } else proxy(req, res, null);
  };
  return { handle, close: () => agent.destroy() };
}
