import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

/** An event the ingress answered Slack for and the bot has not yet recorded in its inbox table. */
export interface JournalEntry {
  /** Numbers entries within one run of the ingress; the bot confirms by it. */
  seq: number;
  eventId: string;
  /** The request body exactly as Slack sent it. */
  body: string;
  retryNum: number | null;
  retryReason: string | null;
}

/**
 * The file is rewritten with only the waiting entries once the confirmed ones in it pass this
 * size and outweigh the waiting ones; so a rewrite costs no more than the writes it reclaims, even
 * when the bot falls far behind.
 */
export const COMPACT_BYTES = 8 * 1024 * 1024;
/** The longest a confirmation waits for an append to carry its marker into the file. */
export const MARK_AFTER_MS = 100;

/**
 * The Slack ingress's write-ahead journal. Each event is appended with one write() before Slack is
 * answered, and dropped when the bot confirms it has committed the event to the inbox table; when
 * nothing is waiting, the file is emptied, and otherwise the confirmation is marked in the file
 * (markConfirmed). It is read back at the next start, so an event Slack
 * was answered for survives a crash of the ingress or of the bot: the kernel holds the write. It
 * is not fsynced (that would cost the answer a disk flush), so a crash of the machine itself in the
 * milliseconds between the answer and the inbox commit can lose an event.
 *
 * One journal per ingress: a lock file next to it holds the owner's pid.
 */
export class Journal {
  /** Entries not yet confirmed, with the length of their line in the file. */
  private readonly waiting = new Map<number, { entry: JournalEntry; bytes: number }>();
  private nextSeq = 1;
  /** The file's length, and the part of it that waiting entries take. */
  private bytes = 0;
  private liveBytes = 0;
  /** Confirmed while others wait, not yet marked so in the file (see markConfirmed). */
  private confirmed: number[] = [];
  private marking: NodeJS.Timeout | null = null;

  private constructor(
    private readonly path: string,
    private fd: number,
  ) {}

  /** Opens (creating) the journal at `path`; entries left by an earlier run are waiting again. */
  static open(path: string): Journal {
    mkdirSync(dirname(path), { recursive: true });
    takeLock(`${path}.lock`);
    let left: JournalEntry[] = [];
    try {
      left = parseEntries(readFileSync(path, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const journal = new Journal(path, openSync(path, 'a'));
    ftruncateSync(journal.fd, 0);
    for (const e of left) journal.append(e);
    return journal;
  }

  /** Entries not yet confirmed, oldest first. */
  entries(): JournalEntry[] {
    return [...this.waiting.values()].map((w) => w.entry);
  }

  get size(): number {
    return this.waiting.size;
  }

  /** Writes the event through to the kernel before returning; returns it with its seq. */
  append(e: Omit<JournalEntry, 'seq'>): JournalEntry {
    const entry: JournalEntry = {
      seq: this.nextSeq++,
      eventId: e.eventId,
      body: e.body,
      retryNum: e.retryNum,
      retryReason: e.retryReason,
    };
    const line = `${JSON.stringify(entry)}\n`;
    // Confirmations not yet in the file go out in the same write, ahead of the entry.
    const marker = this.takeMarker();
    writeSync(this.fd, marker + line);
    const bytes = Buffer.byteLength(line);
    this.bytes += Buffer.byteLength(marker) + bytes;
    this.liveBytes += bytes;
    this.waiting.set(entry.seq, { entry, bytes });
    return entry;
  }

  /** The bot committed entry `seq` to its inbox; it need not be kept. */
  confirm(seq: number): void {
    const w = this.waiting.get(seq);
    if (!w) return;
    this.waiting.delete(seq);
    this.liveBytes -= w.bytes;
    const dead = this.bytes - this.liveBytes;
    if (this.waiting.size === 0) {
      ftruncateSync(this.fd, 0); // O_APPEND: the next write lands at the start again
      this.bytes = 0;
      this.takeMarker();
    } else if (dead > COMPACT_BYTES && dead > this.liveBytes) {
      this.takeMarker();
      this.compact();
    } else {
      this.confirmed.push(seq);
      this.marking ??= setTimeout(() => this.markConfirmed(), MARK_AFTER_MS).unref();
    }
  }

  close(): void {
    this.markConfirmed();
    closeSync(this.fd);
    rmSync(`${this.path}.lock`, { force: true });
  }

  /**
   * Marks the confirmed entries in the file (one line listing their seqs), so that a start after a
   * crash does not hand them over again: the file keeps confirmed lines until it is emptied or
   * compacted, up to COMPACT_BYTES of them, and replaying those would cost the restart time
   * (though not a second ticket: handling is idempotent on Slack's ids). Rides on the next append's
   * write when events keep coming, otherwise goes out on its own after MARK_AFTER_MS.
   */
  private markConfirmed(): void {
    const marker = this.takeMarker();
    if (!marker) return;
    writeSync(this.fd, marker);
    this.bytes += Buffer.byteLength(marker);
  }

  private takeMarker(): string {
    if (this.marking) clearTimeout(this.marking);
    this.marking = null;
    if (this.confirmed.length === 0) return '';
    const marker = `${JSON.stringify({ confirmed: this.confirmed })}\n`;
    this.confirmed = [];
    return marker;
  }

  private compact(): void {
    const text = [...this.waiting.values()].map((w) => `${JSON.stringify(w.entry)}\n`).join('');
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, this.path);
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a');
    this.bytes = Buffer.byteLength(text);
    this.liveBytes = this.bytes;
  }
}

/**
 * The entries of whole lines that parse, less those a marker line confirms. A line torn by a crash
 * mid-write was never answered for, so it is skipped; a torn marker only means a few confirmed
 * entries are handed over again.
 */
function parseEntries(text: string): JournalEntry[] {
  const out: JournalEntry[] = [];
  const confirmed = new Set<number>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const e = JSON.parse(line) as JournalEntry | { confirmed: unknown };
      if ('confirmed' in e) {
        if (Array.isArray(e.confirmed)) for (const seq of e.confirmed) confirmed.add(Number(seq));
      } else if (typeof e.eventId === 'string' && typeof e.body === 'string') out.push(e);
    } catch {
      // torn write
    }
  }
  return out.filter((e) => !confirmed.has(e.seq));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function takeLock(lock: string): void {
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const owner = Number(readFileSync(lock, 'utf8'));
  if (owner && owner !== process.pid && alive(owner))
    throw new Error(
      `the ingress journal ${lock.slice(0, -5)} is in use by process ${owner}; give each replica its own SLACK_INGRESS_JOURNAL`,
    );
  writeFileSync(lock, String(process.pid)); // left by a process that is gone
}
