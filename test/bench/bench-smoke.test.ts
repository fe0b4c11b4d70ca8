import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config/env.js';
import { TEST_DATABASE_URL } from '../support/database.js';

const run = promisify(execFile);

/** Keeps `npm run bench` from rotting: every figure runs at --quick size. No timing is asserted. */
describe('bench --quick --json', () => {
  it('prints one object with every figure as a positive number', { timeout: 180_000 }, async () => {
    const args = ['--import', 'tsx', resolve(PACKAGE_ROOT, 'bench/run.ts'), '--quick', '--json'];
    if (TEST_DATABASE_URL) args.push('--database-url', TEST_DATABASE_URL);
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const { stdout } = await run(process.execPath, args, { cwd: PACKAGE_ROOT, env, maxBuffer: 1 << 20 });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!);
    const positive = expect.toSatisfy((n: unknown) => typeof n === 'number' && Number.isFinite(n) && n > 0);
    expect(report).toEqual({
      intake: { perSecond: positive, ceilingPerSecond: positive, ratio: positive },
      sweep: { msAt10k: positive, msAt1M: positive, ratio: positive },
      pingLateness: { p50Ms: positive, p99Ms: positive },
      ack: { p50Ms: positive, p99Ms: positive, bareP99Ms: positive, ratio: positive },
      memory: { peakRssMb: positive, growthRatio: positive },
      coldStartMs: positive,
      database: TEST_DATABASE_URL ? 'postgres' : 'pglite',
    });
  });
});
