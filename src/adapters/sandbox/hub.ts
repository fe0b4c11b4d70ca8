import type { ServerResponse } from 'node:http';
import type { SandboxMessage } from '../../ports/sandbox.js';

export type SandboxEvent =
  | { type: 'message'; message: SandboxMessage }
  | { type: 'clock'; now: number; offsetMs: number };

/** Fans sandbox events out to the browsers connected by server-sent events. */
export class SandboxHub {
  /** Each browser's stream and which channels it may see (customers: their own rooms only). */
  private readonly streams = new Map<ServerResponse, (channel: string) => boolean>();
  private heartbeat: NodeJS.Timeout | null = null;

  attach(res: ServerResponse, sees: (channel: string) => boolean = () => true): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write('retry: 1000\n\n');
    this.streams.set(res, sees);
    res.on('close', () => this.streams.delete(res));
    this.heartbeat ??= setInterval(() => {
      for (const s of this.streams.keys()) s.write(': keep-alive\n\n');
    }, 15_000).unref();
  }

  publish(event: SandboxEvent): void {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const [s, sees] of this.streams)
      if (event.type !== 'message' || sees(event.message.channel)) s.write(frame);
  }

  get size(): number {
    return this.streams.size;
  }

  /** Ends every stream (shutdown), so the HTTP server can close. */
  close(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const s of this.streams.keys()) s.end();
    this.streams.clear();
  }
}
