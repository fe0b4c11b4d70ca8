/**
 * The running bot's embedded database, served to `tierdesk` commands on a Unix socket, so that a
 * command run while the bot runs writes into the bot's database instead of opening the folder a
 * second time (PGlite is one PostgreSQL backend in this process; a second process on the same files
 * loses or corrupts data).
 *
 * @electric-sql/pglite-socket parses the wire protocol of each connection (PGLiteSocketHandler);
 * what runs the messages is ours. Its own queue runs each message under PGlite's query mutex only,
 * which lets the bot's statements land between a client's BEGIN and COMMIT (they would then be
 * part of, and be committed or rolled back with, the client's transaction) and between a client's
 * Parse and Execute (PGlite's own queries reuse the unnamed statement). SessionGate instead hands
 * the one backend session to a connection from its first message until the backend reports it idle
 * outside a transaction (ReadyForQuery 'I'), holding PGlite's transaction mutex meanwhile: the
 * bot's queries and transactions wait as they would for one of their own, in arrival order, so a
 * command's transaction is atomic and isolated, and neither side starves the other.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';

/** ReadyForQuery with status 'I': always the last 6 bytes of a response after which the session is free. */
const READY_IDLE = [0x5a, 0, 0, 0, 5, 0x49];
/**
 * What a connection that went away may have left in the session, undone in turn: a Sync ends an
 * extended-query batch (an aborted one would swallow the bot's next statement), then a ROLLBACK,
 * then DEALLOCATE ALL for statements it named.
 */
const SYNC = Uint8Array.of(0x53, 0, 0, 0, 4);
const ROLLBACK = simpleQuery('rollback');
const DEALLOCATE = simpleQuery('deallocate all');
/**
 * The frontend messages a command's client sends (postgres.js, psql): simple and extended queries,
 * Sync, Flush, Terminate. PGlite hangs the whole process on some others (an unknown type, a
 * password message after start-up), so the rest close the connection instead of reaching it.
 */
const ALLOWED = new Set([...'QPBEDCSHX'].map((c) => c.charCodeAt(0)));
/** Like PostgreSQL's idle_in_transaction_session_timeout: a client holding the session this long without a word loses it. */
export const SESSION_IDLE_TIMEOUT_MS = 15_000;
/** Concurrent command connections (each is one `tierdesk` command; they take turns at the session). */
const MAX_CONNECTIONS = 16;
/** sun_path is 108 bytes on Linux, 104 on macOS (with the terminating NUL). */
const MAX_SOCKET_PATH = 100;

function simpleQuery(text: string): Uint8Array {
  const body = Buffer.from(`${text}\0`);
  const msg = Buffer.alloc(5 + body.length);
  msg.write('Q', 0);
  msg.writeInt32BE(4 + body.length, 1);
  body.copy(msg, 5);
  return msg;
}

/** The last 6 bytes seen so far of a response. */
function tailOf(prev: Uint8Array, chunk: Uint8Array): Uint8Array {
  if (chunk.length >= 6) return chunk.subarray(chunk.length - 6);
  const both = new Uint8Array(prev.length + chunk.length);
  both.set(prev);
  both.set(chunk, prev.length);
  return both.subarray(Math.max(0, both.length - 6));
}

const isIdle = (tail: Uint8Array) => tail.length === 6 && READY_IDLE.every((b, i) => tail[i] === b);

/** What PGLiteSocketHandler calls on its queue (the package's QueryQueueManager, which it does not export). */
interface HandlerQueue {
  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number>;
  clearQueueForHandler(handlerId: number): void;
  clearTransactionIfNeeded(handlerId: number): Promise<void>;
}

class SessionGate implements HandlerQueue {
  private holder: number | null = null;
  private release: (() => void) | null = null;
  /** Each connection's messages run one after another, in the order they arrived. */
  private readonly chains = new Map<number, Promise<unknown>>();
  private readonly closed = new Set<number>();
  /** Connections past their start-up message. */
  private readonly started = new Set<number>();
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: PGlite,
    private readonly idleTimeoutMs: number,
    private readonly drop: (handlerId: number) => void,
  ) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return this.after(handlerId, () => this.run(handlerId, message, onData));
  }

  clearQueueForHandler(handlerId: number): void {
    this.closed.add(handlerId);
  }

  /** The connection is gone: after its last message, undo what it left open and free the session. */
  clearTransactionIfNeeded(handlerId: number): Promise<void> {
    this.closed.add(handlerId);
    return this.after(handlerId, async () => {
      this.chains.delete(handlerId);
      this.closed.delete(handlerId);
      this.started.delete(handlerId);
      if (this.holder !== handlerId) return;
      await this.db.runExclusive(async () => {
        for (const msg of [SYNC, ROLLBACK, DEALLOCATE]) await this.db.execProtocolRaw(msg);
      });
      this.free();
    });
  }

  private after<T>(handlerId: number, fn: () => Promise<T>): Promise<T> {
    const run = (this.chains.get(handlerId) ?? Promise.resolve()).then(fn);
    this.chains.set(
      handlerId,
      run.catch(() => undefined),
    ); // one failed message does not stop the next
    return run;
  }

  private async run(handlerId: number, message: Uint8Array, onData: (d: Uint8Array) => void) {
    if (this.closed.has(handlerId)) throw new Error('connection closed');
    const startup = message[0] === 0;
    if (startup === this.started.has(handlerId) || (!startup && !ALLOWED.has(message[0]!)))
      throw new Error('unsupported message'); // the handler then closes the connection
    this.started.add(handlerId);
    if (this.holder !== handlerId) {
      await this.acquire(handlerId);
      if (this.closed.has(handlerId)) {
        this.free(); // it went away while waiting: its clean-up, queued after this, finds nothing held
        throw new Error('connection closed');
      }
    }
    this.disarm();
    let tail: Uint8Array = new Uint8Array(0);
    let bytes = 0;
    try {
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(message, {
          onRawData: (data) => {
            bytes += data.length;
            tail = tailOf(tail, data);
            onData(data);
          },
        }),
      );
    } finally {
      if (isIdle(tail)) this.free();
      else this.arm(handlerId);
    }
    return bytes;
  }

  /** Waits for PGlite's transaction mutex, and keeps it until free() (what PGlite's transaction() holds). */
  private acquire(handlerId: number): Promise<void> {
    return new Promise((acquired) => {
      void this.db._runExclusiveTransaction(
        () =>
          new Promise<void>((release) => {
            this.holder = handlerId;
            this.release = release;
            acquired();
          }),
      );
    });
  }

  private free() {
    this.disarm();
    this.holder = null;
    const release = this.release;
    this.release = null;
    release?.();
  }

  private arm(handlerId: number) {
    this.disarm();
    this.idleTimer = setTimeout(() => this.drop(handlerId), this.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private disarm() {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}

/**
 * Where the socket goes: `<dataDir>/.s.PGSQL.5432`, the name psql and postgres.js derive from a
 * directory (`psql -h <dataDir> -U postgres`), unless that path is too long for a Unix socket; then
 * a private folder of the system's temporary directory (the lock file records which). Windows has
 * named pipes instead, named after the folder.
 */
function socketPlace(dataDir: string): { path: string; cleanup: () => void } {
  const inData = join(resolve(dataDir), '.s.PGSQL.5432');
  if (process.platform === 'win32')
    return {
      path: `\\\\.\\pipe\\tierdesk-${createHash('sha256').update(inData).digest('hex').slice(0, 16)}`,
      cleanup: () => {},
    };
  if (Buffer.byteLength(inData) <= MAX_SOCKET_PATH) return { path: inData, cleanup: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'tierdesk-')); // mode 0700
  return { path: join(dir, '.s.PGSQL.5432'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface PgliteServer {
  /** The socket's path, for the lock file. */
  path: string;
  /** Stops listening, rolls back what connected commands left open, and frees the session. */
  stop(): Promise<void>;
}

/**
 * Serves `db` on a Unix socket next to its data. Only the local user may connect: the data folder
 * is made private (0700, as PostgreSQL requires of its own) and the socket 0600.
 */
export async function servePglite(
  db: PGlite,
  dataDir: string,
  idleTimeoutMs = SESSION_IDLE_TIMEOUT_MS,
): Promise<PgliteServer> {
  const place = socketPlace(dataDir);
  const unix = process.platform !== 'win32';
  if (unix) {
    chmodSync(dataDir, 0o700);
    rmSync(place.path, { force: true }); // left by a crashed holder of the lock we now hold
  }
  const handlers = new Map<number, PGLiteSocketHandler>();
  const gate = new SessionGate(db, idleTimeoutMs, (id) => {
    const handler = handlers.get(id);
    void (handler ? handler.detach(true) : gate.clearTransactionIfNeeded(id));
  });
  const server: Server = createServer((socket) => void accept(socket));
  server.maxConnections = MAX_CONNECTIONS;
  const accept = async (socket: Socket) => {
    // The package types its queue as its own (unexported) class; SessionGate has the same methods.
    const handler = new PGLiteSocketHandler({ queryQueue: gate as never, closeOnDetach: true });
    handlers.set(handler.handlerId, handler);
    const forget = () => handlers.delete(handler.handlerId);
    handler.addEventListener('close', forget);
    handler.addEventListener('error', forget);
    await handler.attach(socket);
  };
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(place.path, () => {
      server.off('error', fail);
      ok();
    });
  });
  if (unix) chmodSync(place.path, 0o600);
  return {
    path: place.path,
    async stop() {
      const closing = new Promise<void>((r) => server.close(() => r()));
      await Promise.all([...handlers.values()].map((h) => h.detach(true)));
      await closing;
      place.cleanup();
    },
  };
}
