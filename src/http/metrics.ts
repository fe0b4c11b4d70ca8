import { createHash, timingSafeEqual } from 'node:crypto';
import type { Handler } from './server.js';
import { HttpError } from './server.js';

/** Metrics in a text exposition format (PrometheusMetrics). */
export interface Exposition {
  readonly contentType: string;
  scrape(): Promise<string>;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Whether an Authorization header is `Bearer <token>`. The token is compared in constant time:
 * digests of equal length, so neither the length nor a matching prefix of what was sent shows in
 * how long the answer takes.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const sent = /^Bearer +(\S+) *$/i.exec(header ?? '');
  const same = timingSafeEqual(digest(sent?.[1] ?? ''), digest(token));
  return sent !== null && same;
}

/**
 * `GET /metrics`: the exposition, behind `Authorization: Bearer <token>` when a token is set
 * (401 otherwise, with `WWW-Authenticate`). The answer is never cached.
 */
export function metricsRoute(exposition: Exposition, token: string | null): Handler {
  return async (req, res) => {
    if (token !== null && !bearerMatches(req.headers.authorization, token)) {
      res.setHeader('www-authenticate', 'Bearer realm="tierdesk metrics"');
      throw new HttpError(
        401,
        'unauthorized',
        'Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.',
      );
    }
    const body = await exposition.scrape();
    res.writeHead(200, {
      'content-type': exposition.contentType,
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
    });
    res.end(body);
  };
}
