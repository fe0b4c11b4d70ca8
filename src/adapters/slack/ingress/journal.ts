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

/**
 * The Slack ingress's write-ahead journal. Each event is appended with one write() before Slack is
 * answered, and dropped when the bot confirms it has committed the event to the inbox table; when
 * nothing is waiting, the file is emptied. It is read back at the next start, so an event Slack
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
    writeSync(this.fd, line);
    const bytes = Buffer.byteLength(line);
    this.bytes += bytes;
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
    } else if (dead > COMPACT_BYTES && dead > this.liveBytes) this.compact();
  }

  close(): void {
    closeSync(this.fd);
    rmSync(`${this.path}.lock`, { force: true });
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

/** Whole lines that parse; a line torn by a crash mid-write was never answered for, so it is skipped. */
function parseEntries(text: string): JournalEntry[] {
  const out: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const e = JSON.parse(line) as JournalEntry;
      if (typeof e.eventId === 'string' && typeof e.body === 'string') out.push(e);
    } catch {
      // torn write
    }
  }
  return out;
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
