// The lock on an embedded data folder (src/store/pglite-lock.ts), on real files and real processes.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LOCK_FILE,
  type LockHolder,
  lockFolder,
  processStart,
  removeStale,
} from '../../src/store/pglite-lock.js';

let dir: string;
let lockPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tierdesk-lock-'));
  lockPath = join(dir, LOCK_FILE);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const holder = (h: Partial<LockHolder>): LockHolder => ({
  pid: process.pid,
  started: processStart(process.pid),
  host: hostname(),
  command: 'tierdesk import',
  serves: false,
  socket: null,
  ...h,
});

/** The pid of a process that has exited (a lock it held is stale). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

async function expectTaken(lockText: string) {
  writeFileSync(lockPath, lockText);
  const r = await lockFolder(dir, true);
  expect(r.held).toBe(true);
  expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: process.pid, serves: true });
  if (r.held) r.lock.release();
}

describe('the lock on an embedded data folder', () => {
  it('is held by one process at a time, says who holds it, and is free again once released', async () => {
    const first = await lockFolder(dir, true);
    expect(first.held).toBe(true);
    const second = await lockFolder(dir, false);
    expect(second).toMatchObject({ held: false, holder: { pid: process.pid, serves: true, socket: null } });
    if (!first.held) return;
    first.lock.announce('/some/where/.s.PGSQL.5432');
    expect(await lockFolder(dir, false)).toMatchObject({
      held: false,
      holder: { socket: '/some/where/.s.PGSQL.5432' },
    });
    first.lock.release();
    expect(existsSync(lockPath)).toBe(false);
    const third = await lockFolder(dir, false);
    expect(third.held).toBe(true);
    if (third.held) third.lock.release();
  });

  it('takes over a lock whose process has exited', async () => {
    await expectTaken(JSON.stringify(holder({ pid: await deadPid(), started: null })));
  });

  it.skipIf(processStart(process.pid) === null)(
    'takes over a lock whose pid now belongs to another process (started at another time)',
    async () => {
      // This very pid is alive; the lock says it started at another time: an earlier process's.
      await expectTaken(JSON.stringify(holder({ started: `${processStart(process.pid)}0` })));
    },
  );

  it('takes over a lock file left empty by a process that died while writing it', async () => {
    await expectTaken('');
  });

  it('respects a lock written on another host, which it cannot check', async () => {
    writeFileSync(lockPath, JSON.stringify(holder({ host: 'elsewhere.example', pid: await deadPid() })));
    expect(await lockFolder(dir, true)).toMatchObject({ held: false, holder: { host: 'elsewhere.example' } });
  });

  it('puts back a fresh lock that a contender wrote after the stale one was read', () => {
    const stale = JSON.stringify(holder({ pid: 999_999, started: null }));
    const fresh = JSON.stringify(holder({}));
    writeFileSync(lockPath, fresh);
    expect(removeStale(lockPath, stale)).toBe(false);
    expect(readFileSync(lockPath, 'utf8')).toBe(fresh);
    writeFileSync(lockPath, stale);
    expect(removeStale(lockPath, stale)).toBe(true);
    expect(existsSync(lockPath)).toBe(false);
  });
});
