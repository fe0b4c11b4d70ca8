/** Driving Slack's side: a fake Web API in its own process, signed event posts, the bot as a process. */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../../src/config/env.js';
import { eventCallback, messageEvent, signSlackRequest } from '../../test/fakes/slack/signed-request.js';

export const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';
export const VENDOR_TEAM = 'T0VENDOR01';
/** Northwind's linked channel and its customer (Slack Connect user from Northwind's workspace). */
export const CUSTOMER_CHANNEL = 'C0NORTHWND';
export const CUSTOMER = 'U0INESNW01';
export const CUSTOMER_TEAM = 'T0NORTHWND';

export interface FakeSlackProcess {
  url: string;
  /** Pages (DM postMessage calls carrying an escalation key) that arrived since the last call. */
  pages(): Promise<Array<{ key: string; text: string; at: number }>>;
  /** Thread replies (postMessage calls with a `thread_ts`) that arrived since the last call. */
  replies(): Promise<Array<{ channel: string; threadTs: string; at: number }>>;
  stop(): Promise<void>;
}

/** The fake Slack Web API in a process of its own, so it never shares the measured event loop. */
export async function startFakeSlack(): Promise<FakeSlackProcess> {
  const child = fork(resolve(PACKAGE_ROOT, 'bench/fake-slack-process.ts'), {
    execArgv: ['--import', 'tsx'],
  });
  const url = await new Promise<string>((r) => child.once('message', (m: { url: string }) => r(m.url)));
  return {
    url,
    pages: () =>
      new Promise((r) => {
        child.once('message', (m: { pages: Array<{ key: string; text: string; at: number }> }) => r(m.pages));
        child.send({ type: 'pages' });
      }),
    replies: () =>
      new Promise((r) => {
        child.once('message', (m: { replies: Array<{ channel: string; threadTs: string; at: number }> }) =>
          r(m.replies),
        );
        child.send({ type: 'replies' });
      }),
    stop: () =>
      new Promise((r) => {
        child.once('exit', () => r());
        child.send({ type: 'stop' });
      }),
  };
}

let seq = 0;
let botsStarted = 0;
const runId = `${process.pid.toString(36)}${Date.now().toString(36)}`;

/** A unique Slack ts (seconds.micro). */
export function uniqueTs(): string {
  seq += 1;
  return `${1_772_000_000 + Math.floor(seq / 1_000_000)}.${String(seq % 1_000_000).padStart(6, '0')}`;
}

/**
 * event_callback body of a customer's new top-level message in a linked channel (opens a ticket):
 * by default Inés in Northwind's channel.
 */
export function customerMessage(
  text: string,
  ts = uniqueTs(),
  from = { channel: CUSTOMER_CHANNEL, user: CUSTOMER, team: CUSTOMER_TEAM },
): { body: string; ts: string } {
  const event = messageEvent({
    channel: from.channel,
    user: from.user,
    user_team: from.team,
    team: from.team,
    text,
    ts,
  });
  return { body: eventCallback({ teamId: VENDOR_TEAM, event, eventId: `Ev${runId}${seq}` }), ts };
}

/** event_callback body of any event. */
export function callback(event: Record<string, unknown>): string {
  seq += 1;
  return eventCallback({ teamId: VENDOR_TEAM, event, eventId: `Ev${runId}${seq}` });
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** Connections reset under a request, which postSigned then sent again (see BENCHMARKS.md). */
export const resets = { count: 0 };

/**
 * POSTs a signed body to the endpoint on a kept-alive connection; resolves with the HTTP status.
 * A connection reset is retried once, with Slack's retry headers, as Slack redelivers an event
 * whose delivery failed.
 */
export function postSigned(url: URL, body: string, headers: Record<string, string> = {}): Promise<number> {
  return postOnce(url, body, headers).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ECONNRESET') throw err;
    resets.count += 1;
    return postOnce(url, body, {
      ...headers,
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_error',
    });
  });
}

function postOnce(url: URL, body: string, headers: Record<string, string>): Promise<number> {
  const signed = signSlackRequest(SIGNING_SECRET, body, Math.floor(Date.now() / 1000));
  return new Promise((ok, fail) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...signed,
          ...headers,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => ok(res.statusCode ?? 0));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

export interface BotProcess {
  child: ChildProcess;
  /** http://127.0.0.1:PORT/slack/events */
  endpoint: URL;
  /** Resident set size now, from /proc (bytes). */
  rss(): number;
  /** Resolves once the bot has used under 5% of a core for 250 ms (its work drained), or after 15 s. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Waits for the bot's ready log line; resolves with the port. */
export function readyPort(child: ChildProcess, timeoutMs = 60_000): Promise<number> {
  return new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`not ready after ${timeoutMs} ms:\n${out}`)), timeoutMs);
    let ready = false;
    child.stdout?.on('data', (d: Buffer) => {
      if (ready) {
        if (BOT_LOG) appendFileSync(BOT_LOG, d);
        // Keep draining the pipe; pass on what the bot warns about, so a failing figure says why.
        for (const line of d.toString().split('\n'))
          if (/"level":(40|50|60)/.test(line)) process.stderr.write(`bot: ${line.slice(0, 400)}\n`);
        return;
      }
      out += d;
      const m = /tierdesk ready on http:\/\/localhost:(\d+)/.exec(out);
      if (m) {
        ready = true;
        out = '';
        clearTimeout(timer);
        ok(Number(m[1]));
      }
    });
    child.stderr?.on('data', (d: Buffer) => {
      if (!ready) out += d;
      else process.stderr.write(`bot stderr: ${d.toString().slice(0, 2000)}`);
    });
    child.once('exit', (code, signal) => {
      if (ready && code !== 0) process.stderr.write(`bot exited: ${signal ?? code}\n`);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!ready) fail(new Error(`bot exited (${code}) before ready:\n${out}`));
    });
  });
}

/** Environment of a `tierdesk start` on the given database with Slack pointed at the fake. */
export function botEnv(db: { url: string | undefined; dataDir: string }, slackUrl: string | null) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env))
    if (/^(SLACK_|DISCORD_|DATABASE_|TIERDESK_|LOG_LEVEL$|PORT$|HOST$)/.test(k)) delete env[k];
  // The default log level (info), as `npm start` runs.
  Object.assign(env, { PORT: '0', HOST: '127.0.0.1' });
  if (BOT_LOG) env.LOG_LEVEL = 'debug';
  if (db.url) env.DATABASE_URL = db.url;
  else env.TIERDESK_DATA_DIR = db.dataDir;
  // To compare with and without prepared statements (see BENCHMARKS.md).
  if (process.env.DATABASE_PREPARE) env.DATABASE_PREPARE = process.env.DATABASE_PREPARE;
  env.SLACK_INGRESS_JOURNAL = join(tmpdir(), `tierdesk-bench-${runId}-${++botsStarted}.journal`);
  if (slackUrl) {
    env.SLACK_BOT_TOKEN = 'xoxb-bench';
    env.SLACK_SIGNING_SECRET = SIGNING_SECRET;
    env.SLACK_API_URL = slackUrl;
    env.SLACK_CHANNEL_RATE = '1000'; // the most the config allows
  }
  return env;
}

/**
 * The Node flags `npm start` gives the bot (heap sizing, see package.json), so that a bot the bench
 * starts, and a figure process that runs the adapter itself, run as `npm start` would run them.
 */
export function startNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(resolve(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const words = pkg.scripts.start.split(/\s+/);
  return words.slice(words.indexOf('node') + 1, words.indexOf('bin/tierdesk.js'));
}

/**
 * For finding where a figure's time goes (not for the figures themselves):
 * TIERDESK_BENCH_BOT_LOG=<file> appends the bots' logs to the file, at debug level (each SLA tick
 * and outbox round with its timings); TIERDESK_BENCH_BOT_PROFILE=<dir> writes a CPU profile of each
 * bot there, and of each figure's own process (`node --cpu-prof`, sampled every 200 µs; one file
 * per thread, so the Slack ingress thread's comes apart from the bot's).
 */
const BOT_LOG = process.env.TIERDESK_BENCH_BOT_LOG;
export function profileFlags(): string[] {
  const dir = process.env.TIERDESK_BENCH_BOT_PROFILE;
  return dir ? ['--cpu-prof', '--cpu-prof-interval', '200', `--cpu-prof-dir=${dir}`] : [];
}

/**
 * `tierdesk start` (the real composition root) as a process of its own, with `npm start`'s Node
 * flags; `env` overrides the bench's settings (e.g. `SLACK_CHANNEL_RATE`).
 */
export async function startBot(
  db: { url: string | undefined; dataDir: string },
  slackUrl: string,
  env: NodeJS.ProcessEnv = {},
): Promise<BotProcess> {
  const child = spawn(
    process.execPath,
    [...startNodeFlags(), ...profileFlags(), resolve(PACKAGE_ROOT, 'bin/tierdesk.js'), 'start'],
    {
      env: { ...botEnv(db, slackUrl), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // Never outlive the figure, even when it fails.
  process.once('exit', () => child.kill('SIGKILL'));
  const port = await readyPort(child);
  return {
    child,
    endpoint: new URL(`http://127.0.0.1:${port}/slack/events`),
    rss: () => rssOf(child.pid!),
    idle: () => untilIdle(child.pid!),
    stop: () =>
      new Promise((r) => {
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

/** VmRSS of a process (bytes), from /proc; the bot's Slack ingress thread is part of it. */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

/** CPU time the process has used (all its threads), from /proc (ms). */
function cpuMsOf(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
}

async function untilIdle(pid: number, maxMs = 15_000): Promise<void> {
  const until = performance.now() + maxMs;
  let before = cpuMsOf(pid);
  while (performance.now() < until) {
    await new Promise((r) => setTimeout(r, 250));
    const now = cpuMsOf(pid);
    if (now - before < 12.5) return;
    before = now;
  }
}
