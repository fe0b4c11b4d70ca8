import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prioritizeThread } from '../../../src/adapters/slack/ingress/priority.js';
import { PACKAGE_ROOT } from '../../../src/config/env.js';

const linux = existsSync('/proc/thread-self');
const PRIORITY = join(PACKAGE_ROOT, 'src/adapters/slack/ingress/priority.ts');

/**
 * In a process of its own (the test runner's threads keep their priority): starts a worker that
 * reports its thread id, lowers every other thread, starts one more thread afterwards (libuv's
 * pool, which grows on demand), and prints each thread's nice value.
 */
function runScenario(startNice: number): {
  keep: number;
  result: { lowered: number; ingressNice: number } | null;
  nice: Record<string, number>;
  second: { lowered: number; ingressNice: number } | null;
} {
  const script = `
    import { Worker } from 'node:worker_threads';
    import { readdirSync } from 'node:fs';
    import { getPriority, setPriority } from 'node:os';
    import { pbkdf2 } from 'node:crypto';
    const { currentThreadId, prioritizeThread } = await import(${JSON.stringify(PRIORITY)});
    const w = new Worker(\`
      Promise.all([import('node:worker_threads'), import('node:fs')]).then(([wt, fs]) => {
        wt.parentPort.postMessage(Number(fs.readlinkSync('/proc/thread-self').split('/').pop()));
        setInterval(() => {}, 1000);
      });
    \`, { eval: true });
    const keep = await new Promise((r) => w.once('message', r));
    if (${startNice} > 0) setPriority(keep, ${startNice});
    const result = prioritizeThread(keep, 10);
    // A thread started afterwards by a lowered thread inherits its priority.
    await Promise.all([1, 2, 3, 4, 5, 6].map(() => new Promise((r) => pbkdf2('x', 'y', 1, 8, 'sha1', r))));
    const second = prioritizeThread(keep, 5); // never raises a thread back
    const nice = {};
    for (const t of readdirSync('/proc/self/task')) nice[t] = getPriority(Number(t));
    console.log(JSON.stringify({ keep, result, second, nice, main: currentThreadId() }));
    process.exit(0);
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: PACKAGE_ROOT,
    encoding: 'utf8',
    env: { ...process.env, UV_THREADPOOL_SIZE: '4' },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('thread priorities for the Slack ingress', () => {
  it.runIf(linux)('lowers every thread of the process but the ingress, and those it starts later', () => {
    const { keep, result, second, nice } = runScenario(0);
    expect(nice[String(keep)]).toBe(0);
    const others = Object.entries(nice).filter(([t]) => t !== String(keep));
    expect(others.length).toBeGreaterThan(4); // main, V8's platform threads, libuv's pool
    for (const [, n] of others) expect(n).toBe(10);
    expect(result).toEqual({ lowered: expect.any(Number), ingressNice: 0 });
    expect(second?.ingressNice).toBe(0);
  });

  it.runIf(linux)(
    'tries to raise a restarted ingress that inherited the lowered priority, and says if it could not',
    () => {
      const { keep, result, nice } = runScenario(7);
      // Root (or CAP_SYS_NICE) may raise it back; anyone else gets an honest report of where it stays.
      expect(result?.ingressNice).toBe(nice[String(keep)]);
      expect([0, 7]).toContain(nice[String(keep)]);
    },
  );

  it('does nothing where threads cannot be listed', () => {
    expect(prioritizeThread(1, 10, join(tmpdir(), 'no-such-proc', 'task'))).toBeNull();
  });
});
