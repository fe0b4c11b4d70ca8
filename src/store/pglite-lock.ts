/**
 * The lock on a PGlite data folder: `<dataDir>/tierdesk.lock`, a small JSON file naming the process
 * that holds the folder (PostgreSQL's postmaster.pid scheme). It is created exclusively (O_EXCL), so
 * of several processes exactly one holds it. A holder is judged by its pid *and* its start time
 * (Linux: boot id and start tick from /proc), so a lock left by a crashed process is taken over even
 * when a later process reuses its pid (as a restarted container does); elsewhere the pid alone is
 * checked. A lock written on another host cannot be checked and is respected.
 *
 * Taking over moves the stale file aside with rename(), which exactly one contender can do to a
 * given file, and checks that what it moved is the stale lock it judged; a fresh lock moved by
 * mistake is put back. (What remains: a third process creating a lock in that instant. Three
 * processes racing for a crashed bot's folder within microseconds is not a case worth more code.)
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';

export const LOCK_FILE = 'tierdesk.lock';

/** What the lock file says. */
export interface LockHolder {
  pid: number;
  /** Linux: `<boot id>/<start tick>` of the process; null where the system does not tell. */
  started: string | null;
  host: string;
  /** What runs, for messages: `tierdesk start`, `tierdesk import`, … */
  command: string;
  /** Whether the holder serves the database to other processes (the bot does; commands do not). */
  serves: boolean;
  /** The Unix socket it serves on, once it listens. */
  socket: string | null;
}

export type LockResult = { held: true; lock: FolderLock } | { held: false; holder: LockHolder; path: string };

/** How long a lock file may stay empty or half-written before it is judged stale (its writer died). */
const UNREADABLE_GRACE_MS = 1000;

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function parseHolder(text: string): LockHolder | null {
  try {
    const h = JSON.parse(text) as LockHolder;
    return Number.isInteger(h.pid) && typeof h.host === 'string' ? h : null;
  } catch {
    return null;
  }
}

/** `<boot id>/<start tick>` of a process on Linux; null elsewhere or if it is gone. */
export function processStart(pid: number): string | null {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime); the command name (field 2) may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return `${boot}/${fields[19]}`;
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

/** Whether the process a lock names still runs (and is that process, not a later one with its pid). */
export function holderAlive(h: LockHolder): boolean {
  if (h.host !== hostname()) return true; // cannot be checked from here
  if (!pidAlive(h.pid)) return false;
  const started = processStart(h.pid);
  return h.started === null || started === null || started === h.started;
}

function describeSelf(): string {
  const script = process.argv[1] ? basename(process.argv[1]) : 'node';
  return script.startsWith('tierdesk') ? `tierdesk ${process.argv[2] ?? ''}`.trim() : script;
}

/** A held lock: this process's until release(). */
export class FolderLock {
  constructor(
    readonly path: string,
    private holder: LockHolder,
  ) {}

  /** Records the socket the holder now serves on (replaced whole, so a reader never sees half). */
  announce(socket: string): void {
    this.holder = { ...this.holder, socket };
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(this.holder));
    renameSync(temp, this.path);
  }

  /** Removes the lock file if it is still this process's. */
  release(): void {
    const now = parseHolder(readIfExists(this.path) ?? '');
    if (now && now.pid === this.holder.pid && now.started === this.holder.started)
      rmSync(this.path, { force: true });
  }
}

/**
 * Removes the stale lock `staleText` from `path`, unless a contender has replaced it since it was
 * read: that fresh lock is put back. True if the stale lock was removed.
 */
export function removeStale(path: string, staleText: string): boolean {
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true; // another contender removed it
    throw err;
  }
  const moved = readFileSync(aside, 'utf8');
  if (moved !== staleText) {
    // A contender took the lock between our reading and our move: give it back.
    try {
      writeFileSync(path, moved, { flag: 'wx' });
    } catch {}
  }
  rmSync(aside, { force: true });
  return moved === staleText;
}

/**
 * Takes the lock on `dataDir` (which must exist), or tells who holds it. Stale locks (a dead
 * holder, or a file left empty by a writer that died) are taken over.
 */
export async function lockFolder(dataDir: string, serves: boolean): Promise<LockResult> {
  const path = join(dataDir, LOCK_FILE);
  const mine: LockHolder = {
    pid: process.pid,
    started: processStart(process.pid),
    host: hostname(),
    command: describeSelf(),
    serves,
    socket: null,
  };
  let unreadableSince: number | null = null;
  for (;;) {
    try {
      writeFileSync(path, JSON.stringify(mine), { flag: 'wx' });
      return { held: true, lock: new FolderLock(path, mine) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const text = readIfExists(path);
    if (text === null) continue; // released meanwhile
    const holder = parseHolder(text);
    if (holder === null) {
      // Created but not yet written (the write follows the exclusive create), or its writer died.
      unreadableSince ??= Date.now();
      if (Date.now() - unreadableSince < UNREADABLE_GRACE_MS) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
    } else if (holderAlive(holder)) return { held: false, holder, path };
    removeStale(path, text);
    unreadableSince = null;
  }
}

/** Who holds the lock on `dataDir` now, if anyone alive does. */
export function lockHolder(dataDir: string): LockHolder | null {
  const holder = parseHolder(readIfExists(join(dataDir, LOCK_FILE)) ?? '');
  return holder && holderAlive(holder) ? holder : null;
}
