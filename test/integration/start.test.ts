import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config/env.js';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from '../support/database.js';

const BIN = resolve(PACKAGE_ROOT, 'bin/tierdesk.js');
let dataDir: string;
let db: TestDatabase | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-start-'));
  if (TEST_DB_KIND === 'postgres') db = await createTestDatabase();
});
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  await db?.drop();
});

function run(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: 'info',
    PORT: '0',
    HOST: '127.0.0.1',
    TIERDESK_DATA_DIR: dataDir,
  };
  delete base.DATABASE_URL;
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...base, ...(db?.url ? { DATABASE_URL: db.url } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => out, exit };
}

async function waitFor<T>(fn: () => T | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe(`tierdesk start (${TEST_DB_KIND})`, () => {
  it('boots with no configuration, migrates, answers /healthz and /readyz, and stops on SIGTERM', async () => {
    const p = run(['start'], {});
    const port = await waitFor(() => {
      const m = /"port":(\d+).*tierdesk ready/.exec(p.output());
      return m ? Number(m[1]) : undefined;
    }, 25_000);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', database: TEST_DB_KIND });
    expect(p.output()).not.toMatch(/postgres:\/\/\S*@/); // no connection string in logs
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
  });

  it('refuses to start on an invalid policy and lists every problem', async () => {
    const file = join(dataDir, 'bad-policy.yaml');
    writeFileSync(file, 'version: 1\ncalendars: {}\ntiers: []\ndomains: []\n');
    const p = run(['start'], { TIERDESK_POLICY: file });
    expect(await p.exit).toBe(1);
    expect(p.output()).toMatch(/tiers: must have at least one tier/);
    expect(p.output()).toMatch(/domains: must have at least one domain/);
    expect(p.output()).toMatch(/invalid policy; not starting/);
  });

  it('refuses a malformed environment with the variable named', async () => {
    const p = run(['start'], { PORT: 'eighty' });
    expect(await p.exit).toBe(1);
    expect(p.output()).toMatch(/environment: PORT/);
  });
});
