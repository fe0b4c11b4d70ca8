import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Handler, HttpServer, Method, RouteOptions } from '../ports/http.js';
import type { Logger } from '../ports/logger.js';

export type { Handler, HttpServer, Method, RouteOptions } from '../ports/http.js';

/** A request refused for a reason its sender can fix; the server answers it with `status`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Guards every server of the process: ingress and bot (Node's own defaults are far looser). */
export interface ServerLimits {
  /** Request line and headers together; Node answers 431 past it. */
  maxHeaderBytes: number;
  /** Time to receive the headers; Node answers 408 and closes past it. */
  headersTimeoutMs: number;
  /** Time to receive the whole request, body included (a slowly trickling body): 408 past it. */
  requestTimeoutMs: number;
}

export const SERVER_LIMITS: ServerLimits = {
  maxHeaderBytes: 16 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
};

/** A body larger than this is refused (413) unless the route says otherwise. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Long enough to tell which request it was, short enough that a log line stays small. */
const MAX_ECHOED_PATH = 120;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * Answers a request without reading its body: the connection is closed after the answer, so an
 * unread body (however large) is not drained and the next request cannot be mistaken for it.
 */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string) {
  if (res.headersSent) {
    if (!res.writableEnded) res.destroy(); // cut short: the client must not take it for whole
    return;
  }
  if (hasBody(req) && !req.complete) res.setHeader('connection', 'close');
  sendJson(res, status, { error: code, message });
}

/** The request's path, without query or fragment; null when it has none (`OPTIONS *`, garbage). */
export function pathOf(url: string | undefined): string | null {
  const u = url ?? '/';
  if (u.startsWith('/')) {
    const end = u.search(/[?#]/);
    return end < 0 ? u : u.slice(0, end);
  }
  try {
    return new URL(u).pathname; // absolute form, as sent to a proxy
  } catch {
    return null;
  }
}

const echo = (path: string | null) =>
  path === null ? '(none)' : path.length > MAX_ECHOED_PATH ? `${path.slice(0, MAX_ECHOED_PATH)}…` : path;

/**
 * Runs `handler` so that nothing it does can end the process: a synchronous throw and a rejected
 * promise are both answered (an HttpError with its status, anything else 500 and logged), or the
 * connection is cut when the answer had already begun.
 */
export function safely(handler: Handler, logger: Logger): Handler {
  const fail = (req: IncomingMessage, res: ServerResponse, err: unknown) => {
    try {
      if (err instanceof HttpError) return refuse(req, res, err.status, err.code, err.message);
      logger.error({ err, method: req.method, path: echo(pathOf(req.url)) }, 'request failed');
      refuse(req, res, 500, 'internal', 'internal error');
    } catch {
      res.destroy();
    }
  };
  return (req, res) => {
    try {
      const done = handler(req, res);
      if (done) done.catch((err: unknown) => fail(req, res, err));
    } catch (err) {
      fail(req, res, err);
    }
  };
}

/** A Node HTTP server with SERVER_LIMITS whose every request goes through `handler`, safely. */
export function serve(handler: Handler, logger: Logger, limits: ServerLimits = SERVER_LIMITS): Server {
  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // How often Node looks for requests past those timeouts (its default, 30 s, would let a
      // slow request live four times longer than requestTimeout says).
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    },
    safely(handler, logger),
  );
  server.keepAliveTimeout = 65_000; // outlive common load-balancer idle timeouts
  return server;
}

/**
 * The request's body, at most `maxBytes`: past that, an HttpError 413 (the rest is not read and
 * the connection closes after the answer); a request cut off by its sender, an HttpError 400.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= maxBytes) return void chunks.push(c);
      req.off('data', onData);
      req.resume();
      reject(new HttpError(413, 'payload_too_large', `the body is over ${maxBytes} bytes`));
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => reject(new HttpError(400, 'aborted', 'the request was cut off')));
    req.on('close', () => {
      if (!req.complete) reject(new HttpError(400, 'aborted', 'the request was cut off'));
    });
  });
}

/** Media type without parameters, lower case (`application/json; charset=utf-8` → `application/json`). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

interface Route {
  handler: Handler;
  options: RouteOptions;
}

const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

function allowed(methods: Map<string, Route>): string {
  const names = [...methods.keys()].flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m]));
  return names.sort((a, b) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b)).join(', ');
}

/** Unknown path 404, wrong method 405 with Allow, bad media type 415, declared body too large 413. */
function dispatch(routes: Map<string, Map<string, Route>>): Handler {
  return (req, res) => {
    const path = pathOf(req.url);
    const methods = path === null ? undefined : routes.get(path);
    if (!methods) return refuse(req, res, 404, 'not_found', `no route for ${req.method} ${echo(path)}`);
    const route = methods.get(req.method === 'HEAD' ? 'GET' : (req.method ?? ''));
    if (!route) {
      res.setHeader('allow', allowed(methods));
      return refuse(
        req,
        res,
        405,
        'method_not_allowed',
        `${path} takes ${allowed(methods)}, not ${req.method}`,
      );
    }
    const { accepts, maxBodyBytes = DEFAULT_MAX_BODY_BYTES } = route.options;
    if (accepts && !accepts.includes(mediaType(req)))
      return refuse(req, res, 415, 'unsupported_media_type', `send ${accepts.join(' or ')}`);
    if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes)
      return refuse(req, res, 413, 'payload_too_large', `the body is over ${maxBodyBytes} bytes`);
    return route.handler(req, res);
  };
}

/**
 * The bot's one HTTP server: health, readiness, the Slack endpoint, the sandbox. One rule for every
 * route (see dispatch and safely): no request, whatever its method, path, headers or body, can end
 * the process.
 */
export function createHttpServer(logger: Logger, limits: ServerLimits = SERVER_LIMITS): HttpServer {
  const routes = new Map<string, Map<string, Route>>();
  const server: Server = serve(dispatch(routes), logger, limits);
  return {
    route(method: Method, path: string, handler: Handler, options: RouteOptions = {}) {
      const methods = routes.get(path) ?? new Map<string, Route>();
      if (methods.has(method)) throw new Error(`${method} ${path} is routed twice`);
      methods.set(method, { handler, options });
      routes.set(path, methods);
    },
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
