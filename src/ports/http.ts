import type { IncomingMessage, ServerResponse } from 'node:http';

/** Handles one HTTP request; a throw or a rejected promise is answered 500 by the server. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Methods a route may serve. HEAD is served wherever GET is, by GET's handler (Node sends no body). */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteOptions {
  /**
   * Media types (no parameters, lower case) the request body may have, e.g. `application/json`;
   * a request with another or none gets 415 before the handler runs. Unset: any.
   */
  accepts?: readonly string[];
  /**
   * The largest body, in bytes, the route takes: a longer Content-Length gets 413 before the
   * handler runs. Handlers that read a chunked body bound it with `readBody`. Default 1 MiB.
   */
  maxBodyBytes?: number;
}

/** The bot's one HTTP server, as adapters and the composition root see it. */
export interface HttpServer {
  /**
   * Serves `method` on exactly `path` (no prefix matching). A path served for other methods only
   * answers 405 with `Allow`; a path nobody serves, 404.
   */
  route(method: Method, path: string, handler: Handler, options?: RouteOptions): void;
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}
