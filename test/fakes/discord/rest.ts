import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RecordedRequest {
  method: string;
  /** Path below the API version, segments URL-decoded, without the query: `/channels/123/messages`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON; for multipart, `payload_json` parsed plus `files: string[]`; else the raw text or null. */
  body: unknown;
  headers: Record<string, string>;
  at: number;
  status: number;
}

export interface RouteContext {
  method: string;
  path: string;
  params: string[];
  query: URLSearchParams;
  /** The JSON body when it is an object, else {}. */
  body: Record<string, unknown>;
  /** The parsed body as received (arrays for bulk command overwrites). */
  raw: unknown;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  /** Runs after the response is written (gateway events that follow a REST call). */
  after?: () => void;
}

export type RouteHandler = (ctx: RouteContext) => RouteResult;

interface Route {
  method: string;
  pattern: RegExp;
  handler: RouteHandler;
}

interface RateLimitRule {
  pattern: RegExp;
  remaining: number;
  retryAfter: number;
  global: boolean;
}

export const json = (status: number, body?: unknown, after?: () => void): RouteResult => ({
  status,
  body,
  after,
});
export const notFound = (code: number, message: string): RouteResult => json(404, { message, code });

/** Minimal router: patterns like `/channels/:id/messages/:mid`, params in order. */
export class RestRouter {
  private readonly routes: Route[] = [];

  on(method: string, path: string, handler: RouteHandler): this {
    const source = path.replace(/[.@]/g, (c) => `\\${c}`).replace(/:[a-z]+/gi, '([^/]+)');
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), handler });
    return this;
  }

  match(method: string, path: string): { handler: RouteHandler; params: string[] } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(path);
      if (m) return { handler: route.handler, params: m.slice(1) };
    }
    return undefined;
  }
}

/** The bucket route Discord would hash: ids replaced, except the major parameter (channel/guild/webhook). */
function bucketHash(method: string, path: string): string {
  const route = path.replace(/\/(\d{16,20})/g, (all, _id: string, offset: number) => {
    const before = path.slice(0, offset);
    return /\/(channels|guilds|webhooks)$/.test(before) ? all : '/:id';
  });
  return createHash('sha1').update(`${method} ${route}`).digest('hex').slice(0, 16);
}

/** Serves REST: records every request, applies queued 429s, routes, writes rate-limit headers. */
export class RestServer {
  readonly requests: RecordedRequest[] = [];
  private readonly rateLimits: RateLimitRule[] = [];

  constructor(private readonly router: RestRouter) {}

  /** The next `n` requests whose `METHOD /path` matches get a 429 with `retry_after` seconds. */
  rateLimitNext(pattern: RegExp, n: number, retryAfterSec: number, opts: { global?: boolean } = {}): void {
    this.rateLimits.push({ pattern, remaining: n, retryAfter: retryAfterSec, global: opts.global ?? false });
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void this.respond(req, res, Buffer.concat(chunks)).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `FakeDiscord: ${String(err)}`, code: 0 }));
      });
    });
  };

  private async respond(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = decodePath(url.pathname.replace(/^\/api(\/v\d+)?/, '') || '/');
    const body = await parseBody(req.headers['content-type'] ?? '', raw);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body,
      headers,
      at: Date.now(),
      status: 0,
    };
    this.requests.push(record);

    const hash = bucketHash(method, path);
    const limit = this.rateLimits.find((r) => r.remaining > 0 && r.pattern.test(`${method} ${path}`));
    if (limit) {
      limit.remaining--;
      record.status = 429;
      const after = String(limit.retryAfter);
      res.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': after,
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': ((Date.now() + limit.retryAfter * 1000) / 1000).toFixed(3),
        'x-ratelimit-reset-after': limit.retryAfter.toFixed(3),
        'x-ratelimit-bucket': hash,
        'x-ratelimit-scope': limit.global ? 'global' : 'user',
        ...(limit.global ? { 'x-ratelimit-global': 'true' } : {}),
      });
      res.end(
        JSON.stringify({
          message: 'You are being rate limited.',
          retry_after: limit.retryAfter,
          global: limit.global,
        }),
      );
      return;
    }

    const matched = this.router.match(method, path);
    const objectBody =
      body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const result = matched
      ? matched.handler({
          method,
          path,
          params: matched.params,
          query: url.searchParams,
          body: objectBody,
          raw: body,
        })
      : json(404, { message: '404: Not Found', code: 0 });
    record.status = result.status;
    const rateHeaders = {
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '4',
      'x-ratelimit-reset': ((Date.now() + 1000) / 1000).toFixed(3),
      'x-ratelimit-reset-after': '1.000',
      'x-ratelimit-bucket': hash,
    };
    if (result.body === undefined || result.status === 204) {
      res.writeHead(result.status, rateHeaders);
      res.end();
    } else {
      res.writeHead(result.status, { 'content-type': 'application/json', ...rateHeaders });
      res.end(JSON.stringify(result.body));
    }
    if (result.after) setImmediate(result.after);
  }
}

/** `%40original` → `@original`, `%E2%9C%85` → `✅` (discord.js encodes path segments). */
function decodePath(path: string): string {
  return path
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join('/');
}

async function parseBody(contentType: string, raw: Buffer): Promise<unknown> {
  if (raw.length === 0) return null;
  const text = raw.toString('utf8');
  if (contentType.startsWith('application/json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(new Uint8Array(raw), {
      headers: { 'content-type': contentType },
    }).formData();
    const payload = form.get('payload_json');
    const files: string[] = [];
    for (const [key, value] of form.entries()) {
      if (key !== 'payload_json' && typeof value !== 'string') files.push(value.name);
    }
    const parsed = typeof payload === 'string' ? (JSON.parse(payload) as Record<string, unknown>) : {};
    return { ...parsed, files };
  }
  return text;
}
