import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, command } from '../../src/cli/commands.js';
import { commandHelp, groupUsage, usageLine } from '../../src/cli/help.js';
import { USAGE } from '../../src/cli/main.js';

// The real `tierdesk` process (bin/tierdesk.js, compiled as users run it): --help and bad
// arguments must answer and exit without doing anything else. test/integration/cli.test.ts runs
// the commands themselves in-process.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = resolve(ROOT, 'policy/example.yaml');

describe('the tierdesk process: --help and bad arguments do nothing else', () => {
  const BIN = resolve(ROOT, 'bin/tierdesk.js');
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'tierdesk-cli-bin-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  /**
   * Runs `bin/tierdesk.js` with a data folder that does not exist yet: a command that opened the
   * database (start, migrate, import) would create it. A bot that starts instead of answering is
   * stopped as soon as it says so, or once the folder appears, so the test fails without hanging.
   */
  async function bin(argv: string[], extraEnv: Record<string, string> = {}) {
    const dataDir = join(
      home,
      `data-${argv.join('_').replace(/\W+/g, '_')}-${Math.random().toString(36).slice(2)}`,
    );
    const env: NodeJS.ProcessEnv = { ...process.env, TIERDESK_POLICY: EXAMPLE, TIERDESK_DATA_DIR: dataDir };
    for (const key of ['DATABASE_URL', 'SLACK_BOT_TOKEN', 'DISCORD_BOT_TOKEN', 'PORT']) delete env[key];
    Object.assign(env, { PORT: '0', HOST: '127.0.0.1', ...extraEnv });
    const child = spawn(process.execPath, [BIN, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    const code = await new Promise<number | null>((done) => {
      const watch = setInterval(() => {
        if (/tierdesk ready/.test(out) || existsSync(dataDir)) child.kill('SIGKILL');
      }, 50);
      child.on('close', (c) => {
        clearInterval(watch);
        done(c);
      });
    });
    return {
      code,
      out: out.replace(/\n$/, ''),
      err: err.replace(/\n$/, ''),
      touchedData: existsSync(dataDir),
    };
  }

  it('answers --help and -h for every command and group: usage on stdout, exit 0, nothing done', async () => {
    const asked: Array<[string[], string]> = [[['--help'], USAGE]];
    for (const c of COMMANDS) asked.push([[...c.name.split(' '), '--help'], commandHelp(c)]);
    for (const group of ['policy', 'sla', 'discord'])
      asked.push([
        [group, '-h'],
        groupUsage(
          group,
          COMMANDS.filter((c) => c.name.startsWith(`${group} `)),
        ),
      ]);
    // -h too, and after other words: help wins over anything else on the line.
    asked.push([['start', '-h'], commandHelp(command('start'))]);
    asked.push([['migrate', 'extra', '-h'], commandHelp(command('migrate'))]);
    asked.push([['import', 'policy/example-directory.yaml', '--help'], commandHelp(command('import'))]);
    asked.push([['sla', 'due', '--tier', '--help'], commandHelp(command('sla due'))]);
    for (const [argv, usage] of asked) {
      const r = await bin(argv);
      expect({ argv, ...r }).toEqual({ argv, code: 0, out: usage, err: '', touchedData: false });
    }
  }, 180_000);

  it('answers start --help even with a broken environment: it reads nothing', async () => {
    const r = await bin(['start', '--help'], { PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(r).toEqual({ code: 0, out: commandHelp(command('start')), err: '', touchedData: false });
  }, 60_000);

  it('refuses extra or repeated arguments with exit 2 and the usage on stderr, doing nothing', async () => {
    const ok = ['--priority', 'P1', '--opened', '2026-03-06T19:30:00-05:00'];
    const refused: Array<[string[], string]> = [
      [['migrate', 'extra'], 'tierdesk migrate: unexpected argument "extra" (it takes none)'],
      [['start', 'now'], 'tierdesk start: unexpected argument "now" (it takes none)'],
      [['import', 'a.yaml', 'b.yaml'], 'tierdesk import: unexpected argument "b.yaml"'],
      [['policy', 'check', 'a.yaml', 'b.yaml'], 'tierdesk policy check: unexpected argument "b.yaml"'],
      [
        ['sla', 'due', '--tier', 'a', '--tier', 'business', ...ok],
        'tierdesk sla due: --tier is given more than once; give it once',
      ],
      [
        ['discord', 'deploy-commands', '--guild', '123456789012345678', '--guild', '223456789012345678'],
        'tierdesk discord deploy-commands: --guild is given more than once; give it once',
      ],
    ];
    for (const [argv, message] of refused) {
      const r = await bin(argv);
      const spec = COMMANDS.find((c) => argv.join(' ').startsWith(c.name))!;
      expect({ argv, ...r }).toEqual({
        argv,
        code: 2,
        out: '',
        err: `${message}\nusage: ${usageLine(spec)}\n(tierdesk ${spec.name} --help says more)`,
        touchedData: false,
      });
    }
  }, 180_000);

  it('still takes --paused more than once', async () => {
    const r = await bin([
      ...['sla', 'due', '--tier', 'business', '--priority', 'P1', '--opened', '2026-03-06T19:30:00-05:00'],
      ...[
        '--paused',
        '2026-03-09T13:00:00Z/2026-03-09T13:30:00Z',
        '--paused',
        '2026-03-09T13:30:00Z/2026-03-09T14:00:00Z',
      ],
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ resolutionDue: '2026-03-09T20:30:00.000Z' });
  }, 60_000);
  it('says in one sentence why a command failed, with no stack and no statement, and exits 1', async () => {
    const r = await bin(['import', resolve(ROOT, 'policy/example-directory.yaml')], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/unreachable',
    });
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'tierdesk import: cannot reach the database at 127.0.0.1:1 (connection refused); nothing was written',
    );
  }, 60_000);
});
