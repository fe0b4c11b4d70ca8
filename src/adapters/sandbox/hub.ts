import type { ServerResponse } from 'node:http';
import type { SandboxMessage } from './sandbox-store.js';

export type SandboxEvent =
  | { type: 'message'; message: SandboxMessage }
  | { type: 'clock'; now: number; offsetMs: number };

/** Fans sandbox events out to the browsers connected by server-sent events. */
export class SandboxHub {
  private readonly streams = new Set<ServerResponse>();
  private heartbeat: NodeJS.Timeout | null = null;

  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write('retry: 1000\n\n');
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
    this.heartbeat ??= setInterval(() => {
      for (const s of this.streams) s.write(': keep-alive\n\n');
    }, 15_000).unref();
  }

  publish(event: SandboxEvent): void {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const s of this.streams) s.write(frame);
  }

  get size(): number {
    return this.streams.size;
  }

  /** Ends every stream (shutdown), so the HTTP server can close. */
  close(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const s of this.streams) s.end();
    this.streams.clear();
  }
}
