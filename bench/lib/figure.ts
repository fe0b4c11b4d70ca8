/**
 * Each figure runs in a process of its own (forked by bench/run.ts), so one figure's heap, pools
 * and timers never colour the next one's numbers, and memory is that of the figure alone.
 */
import { fork } from 'node:child_process';
import { startNodeFlags } from './slack.js';

/** What every figure is given. */
export interface FigureOptions {
  /** PostgreSQL server URL (a database of the figure's own is created on it); absent: PGlite. */
  databaseUrl: string | undefined;
  /** Small sizes, for a smoke test. */
  quick: boolean;
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

/** In the parent: forks the figure file and resolves with its result. */
export function runFigure<T>(
  file: string,
  opts: FigureOptions,
  onProgress: (fraction: number) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = fork(new URL(file, import.meta.url).pathname, {
      execArgv: [...startNodeFlags(), '--import', 'tsx'],
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
