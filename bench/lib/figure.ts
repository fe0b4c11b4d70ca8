/**
 * Each figure runs in a process of its own (forked by bench/run.ts), so one figure's heap, pools
 * and timers never colour the next one's numbers, and memory is that of the figure alone.
 *
 * A figure runs compiled, as `npm start` runs the bot: bundled by bin/build.js's `bundle`, with the
 * Slack ingress's worker entry beside it, and no TypeScript loader in the process. Under tsx the
 * figure process would carry tsx's loader thread and the ingress thread a second one, about 40 MB
 * of RSS that no user's bot has.
 */
import { fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from '../../bin/build.js';
import { PACKAGE_ROOT } from '../../src/config/env.js';
import { profileFlags, startNodeFlags } from './slack.js';

/**
 * Compiles a figure into dist/bench-<pid>-<n>/ (two levels below the package root, as dist/<build>/
 * is, so PACKAGE_ROOT resolves the same); returns the entry and a clean-up.
 */
let builds = 0;
async function compileFigure(source: string): Promise<{ entry: string; remove: () => void }> {
  const outdir = join(PACKAGE_ROOT, 'dist', `bench-${process.pid}-${++builds}`);
  await bundle(source, outdir, 'figure');
  return { entry: join(outdir, 'figure.js'), remove: () => rmSync(outdir, { recursive: true, force: true }) };
}

/** What every figure is given. */
export interface FigureOptions {
  /** PostgreSQL server URL (a database of the figure's own is created on it); absent: PGlite. */
  databaseUrl: string | undefined;
  /** Small sizes, for a quick look at the figures. */
  quick: boolean;
  /**
   * The smallest sizes that still run every figure end to end (implies quick): the test suite's
   * check that the bench runs, in seconds. Its numbers mean nothing.
   */
  smoke?: boolean;
}

type Message =
  | { type: 'progress'; fraction: number; note?: string }
  | { type: 'result'; value: unknown }
  | { type: 'failed'; error: string };

/** Inside a figure process: runs `main` and reports its result (or failure) to the parent. */
export function figure<T>(
  main: (opts: FigureOptions, progress: (fraction: number) => void) => Promise<T>,
): void {
  const opts = JSON.parse(process.env.TIERDESK_BENCH_OPTS ?? '{}') as FigureOptions;
  const send = (m: Message) =>
    new Promise<void>((r) => {
      if (process.send) process.send(m, () => r());
      else {
        console.log(JSON.stringify(m));
        r();
      }
    });
  main(opts, (fraction) => void send({ type: 'progress', fraction }))
    .then(async (value) => {
      await send({ type: 'result', value });
      process.exit(0);
    })
    .catch(async (err: unknown) => {
      await send({ type: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      process.exit(1);
    });
}

/** In the parent: compiles the figure file, runs it in a process of its own, resolves with its result. */
export async function runFigure<T>(
  file: string,
  opts: FigureOptions,
  onProgress: (fraction: number) => void,
): Promise<T> {
  const { entry, remove } = await compileFigure(resolve(fileURLToPath(new URL('.', import.meta.url)), file));
  try {
    return await forkFigure<T>(file, entry, opts, onProgress);
  } finally {
    remove();
  }
}

function forkFigure<T>(
  file: string,
  entry: string,
  opts: FigureOptions,
  onProgress: (fraction: number) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = fork(entry, {
      execArgv: [...startNodeFlags(), ...profileFlags()],
      env: { ...process.env, TIERDESK_BENCH_OPTS: JSON.stringify(opts) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: { value: T } | null = null;
    let failure: string | null = null;
    child.on('message', (m: Message) => {
      if (m.type === 'progress') onProgress(m.fraction);
      if (m.type === 'result') result = { value: m.value as T };
      if (m.type === 'failed') failure = m.error;
    });
    child.on('exit', (code) => {
      if (result) resolve(result.value);
      else reject(new Error(`${file} failed (exit ${code})${failure ? `:\n${failure}` : ''}`));
    });
  });
}
