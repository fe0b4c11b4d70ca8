import type { IncomingMessage, ServerResponse } from 'node:http';

/** Handles one HTTP request; a rejected promise or a throw is answered 500 by the server. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** The bot's one HTTP server, as adapters and the composition root see it. */
export interface HttpServer {
  /** Routes requests whose path starts with `prefix` to `handler` (longest prefix wins). */
  mount(prefix: string, handler: Handler): void;
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}
