import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config/env.js';
import { TEST_DATABASE_URL } from '../support/database.js';

/** Runs the bench; on failure or after `timeoutMs`, throws with the end of what it printed (its progress). */
function runBench(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: PACKAGE_ROOT, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err = (err + d).slice(-4000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`bench exited ${signal ?? code}; its last output:\n${err}`));
    });
  });
}

/** Keeps `npm run bench` from rotting: every figure runs at --quick size. No timing is asserted. */
describe('bench --quick --json', () => {
  it('prints one object with every figure as a positive number', { timeout: 200_000 }, async () => {
    const args = ['--import', 'tsx', resolve(PACKAGE_ROOT, 'bench/run.ts'), '--quick', '--json'];
    if (TEST_DATABASE_URL) args.push('--database-url', TEST_DATABASE_URL);
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const stdout = await runBench(args, env, 180_000);
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!);
    const positive = expect.toSatisfy((n: unknown) => typeof n === 'number' && Number.isFinite(n) && n > 0);
    expect(report).toEqual({
      intake: {
        perSecond: positive,
        ceilingPerSecond: positive,
        ratio: positive,
        deliveryPerSecond: positive,
        deliveryRatio: positive,
        ratioToDelivery: positive,
      },
      sweep: { msAt10k: positive, msAt1M: positive, ratio: positive },
      pingLateness: { p50Ms: positive, p99Ms: positive },
      ack: { p50Ms: positive, p99Ms: positive, bareP99Ms: positive, ratio: positive },
      memory: { peakRssMb: positive, growthRatio: positive },
      coldStartMs: positive,
      burst: { p50Ms: positive, p99Ms: positive, floorMs: positive },
      database: TEST_DATABASE_URL ? 'postgres' : 'pglite',
    });
  });
});
