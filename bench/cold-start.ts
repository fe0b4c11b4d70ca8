/**
 * Figure 6, cold start: `npm start` to the ready log line on the embedded default (PGlite in a
 * fresh, empty data folder, so the first run applies every migration). No chat platform is
 * configured, as on a first run from a fresh clone.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/config/env.js';
import { figure } from './lib/figure.js';
import { botEnv, readyPort } from './lib/slack.js';

async function coldStartMs(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-cold-'));
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: PACKAGE_ROOT,
    env: botEnv({ url: undefined, dataDir }, null),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: npm and the bot stop together
  });
  try {
    await readyPort(child);
    return performance.now() - started;
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    // Wait for the whole group (npm, the bot) to be gone before deleting its data folder.
    for (;;) {
      try {
        process.kill(-child.pid!, 0);
      } catch {
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

figure(async (opts, progress) => {
  const runs = opts.quick ? 1 : 3;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    times.push(await coldStartMs());
    progress((i + 1) / runs);
  }
  times.sort((a, b) => a - b);
  return { runs, medianMs: times[Math.floor(times.length / 2)]!, allMs: times };
});
