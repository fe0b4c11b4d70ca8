import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Handler, HttpServer } from '../ports/http.js';
import type { Logger } from '../ports/logger.js';

export type { Handler, HttpServer } from '../ports/http.js';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The bot's one HTTP server: health, readiness and, later, platform endpoints. */
export function createHttpServer(logger: Logger): HttpServer {
  const routes: Array<[string, Handler]> = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = routes.find(
      ([prefix]) => path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`),
    );
    if (!route)
      return sendJson(res, 404, { error: 'not_found', message: `no route for ${req.method} ${path}` });
    Promise.resolve(route[1](req, res)).catch((err: unknown) => {
      logger.error({ err, path }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal', message: 'internal error' });
      else res.end();
    });
  });
  server.keepAliveTimeout = 65_000; // outlive common load-balancer idle timeouts
  return {
    mount(prefix, handler) {
      routes.push([prefix, handler]);
      routes.sort((a, b) => b[0].length - a[0].length);
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
