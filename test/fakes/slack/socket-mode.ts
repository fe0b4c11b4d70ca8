import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

export type SocketEnvelopeType = 'events_api' | 'slash_commands' | 'interactive';

interface Pending {
  resolve: (ack: Record<string, unknown>) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Slack's Socket Mode server side: `apps.connections.open` hands out a ws:// URL; on connect the
 * server says `hello`, pings, pushes envelopes and waits for each `{ envelope_id }` acknowledgement.
 */
export class FakeSocketMode {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private readonly pending = new Map<string, Pending>();
  private pinger: NodeJS.Timeout | null = null;
  /** How many times a client connected (reconnects included). */
  connections = 0;

  constructor(private readonly appId: string) {
    this.wss.on('connection', (ws) => this.onConnection(ws));
  }

  /** Handles an HTTP upgrade on `/socket`; returns false for other paths. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (!(req.url ?? '').startsWith('/socket')) return false;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
    return true;
  }

  private onConnection(ws: WebSocket): void {
    this.connections += 1;
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('message', (data) => {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(String(data)) as Record<string, unknown>;
      } catch {
        return;
      }
      const id = typeof msg.envelope_id === 'string' ? msg.envelope_id : '';
      const p = this.pending.get(id);
      if (!p) return;
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.resolve(msg);
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.size,
        debug_info: { host: 'fake-socket-mode', approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
    this.pinger ??= setInterval(() => {
      for (const s of this.sockets) s.ping();
    }, 5_000).unref();
  }

  get open(): number {
    return this.sockets.size;
  }

  /** Pushes an envelope to a connected client and resolves with its acknowledgement. */
  send(
    type: SocketEnvelopeType,
    payload: Record<string, unknown>,
    timeoutMs = 5000,
  ): Promise<Record<string, unknown>> {
    const ws = [...this.sockets][0];
    if (!ws) return Promise.reject(new Error('FakeSocketMode: no client connected'));
    const envelopeId = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        reject(new Error(`FakeSocketMode: no ack for ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(envelopeId, { resolve, reject, timer });
      ws.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: type !== 'events_api',
          ...(type === 'events_api' ? { retry_attempt: 0, retry_reason: '' } : {}),
        }),
      );
    });
  }

  /** What Slack does when it rotates a connection: a `disconnect` message, then the socket closes. */
  refresh(): void {
    for (const s of this.sockets) s.send(JSON.stringify({ type: 'disconnect', reason: 'refresh_requested' }));
  }

  close(): void {
    if (this.pinger) clearInterval(this.pinger);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('FakeSocketMode closed'));
    }
    this.pending.clear();
    for (const s of this.sockets) s.terminate();
    this.wss.close();
  }
}
