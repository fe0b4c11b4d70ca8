import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMPACT_BYTES, Journal } from '../../../src/adapters/slack/ingress/journal.js';
import { eventually } from '../../support/eventually.js';

/** An event body of about 1 KB, as a Slack message callback is. */
const body = (i: number) =>
  JSON.stringify({ type: 'event_callback', event_id: `Ev${i}`, pad: 'x'.repeat(1000) });

describe('ingress journal', () => {
  let dir: string;
  let path: string;
  let journal: Journal;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tierdesk-journal-'));
    path = join(dir, 'slack.journal');
    journal = Journal.open(path);
  });
  afterEach(() => {
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const append = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) =>
      journal.append({ eventId: `Ev${from + i}`, body: body(from + i), retryNum: null, retryReason: null }),
    );
  const inode = () => statSync(path).ino;

  it('does not rewrite the file on every confirmation while the bot is far behind', () => {
    // More than COMPACT_BYTES still waiting: the bot has fallen behind by thousands of events.
    const entries = append(Math.ceil((1.5 * COMPACT_BYTES) / 1000));
    const file = inode();
    const size = statSync(path).size;
    for (const e of entries.slice(0, 100)) journal.confirm(e.seq);
    // A rewrite would reclaim only 100 lines at the cost of copying all the rest.
    expect(inode()).toBe(file);
    expect(statSync(path).size).toBe(size);
    expect(journal.size).toBe(entries.length - 100);
  });

  it('rewrites the file with only the waiting entries once the confirmed ones outweigh them', () => {
    const entries = append(Math.ceil((1.5 * COMPACT_BYTES) / 1000));
    const file = inode();
    const keep = entries.slice(-1000);
    for (const e of entries.slice(0, -1000)) journal.confirm(e.seq);
    expect(inode()).not.toBe(file);
    // At most COMPACT_BYTES of confirmed lines stay behind, however many went through.
    expect(statSync(path).size).toBeLessThan(keep.length * 1200 + COMPACT_BYTES);
    // A restart reads back every waiting entry, in order, and none of the confirmed ones.
    journal.close();
    journal = Journal.open(path);
    expect(journal.entries().map((e) => e.eventId)).toEqual(keep.map((e) => e.eventId));
  });

  it('empties the file when nothing is waiting', () => {
    const entries = append(3);
    for (const e of entries) journal.confirm(e.seq);
    expect(statSync(path).size).toBe(0);
    append(1, 3);
    journal.close();
    journal = Journal.open(path);
    expect(journal.entries().map((e) => e.eventId)).toEqual(['Ev3']);
  });

  describe('after a crash (the file read back while its writer never closed it)', () => {
    const readBack = () => {
      const crashed = journal;
      journal = Journal.open(path);
      const ids = journal.entries().map((e) => e.eventId);
      crashed.close();
      return ids;
    };

    it('hands over only what was not confirmed: confirmations ride on the next append', () => {
      const [a, b] = append(3);
      journal.confirm(a!.seq);
      journal.confirm(b!.seq);
      append(1, 3); // writes the marker of the two confirmations, then the entry
      expect(readBack()).toEqual(['Ev2', 'Ev3']);
    });

    it('marks confirmations on their own when no event follows', async () => {
      const [a] = append(2);
      journal.confirm(a!.seq);
      // The marker goes out on its own, MARK_AFTER_MS later: wait for it in the file, not for a guess.
      expect(readFileSync(path, 'utf8')).not.toContain('"confirmed"');
      await eventually(() => expect(readFileSync(path, 'utf8')).toContain(`{"confirmed":[${a!.seq}]}`));
      expect(readBack()).toEqual(['Ev1']);
    });

    it('a torn marker only hands confirmed entries over again', () => {
      const [a] = append(2);
      journal.confirm(a!.seq);
      appendFileSync(path, '{"confirmed":[1'); // the crash cut the marker's write
      expect(readBack()).toEqual(['Ev0', 'Ev1']);
    });
  });
});
