import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS, command } from '../../src/cli/commands.js';
import { commandHelp, groupUsage, usageLine } from '../../src/cli/help.js';
import { main, USAGE } from '../../src/cli/main.js';
import { envSchema } from '../../src/config/env.js';
import { formatProblem, loadPolicy } from '../../src/config/policy.js';
import { openDatabase } from '../../src/store/db.js';
import { channelLinks, identities, organizations, people, skills } from '../../src/store/schema/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = resolve(ROOT, 'policy/example.yaml');
const DIRECTORY = resolve(ROOT, 'policy/example-directory.yaml');
const fixture = (path: string) => resolve(ROOT, 'test/fixtures', path);
/** Zod's and Luxon's own phrases, which must never reach a person. */
const LIBRARY_WORDING =
  /expected (int|number|string|object|array|boolean)|received|Invalid (input|option|string)|Too (big|small)|of type number|[<>]=?\d/;

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

// Every test starts from an environment without tierdesk's variables (so DATABASE_URL is unset and
// PGlite is used) and with the example policy; the original environment is restored afterwards.
let savedEnv: NodeJS.ProcessEnv;
beforeEach(() => {
  savedEnv = { ...process.env };
  for (const key of Object.keys(envSchema.shape)) delete process.env[key];
  process.env.TIERDESK_POLICY = EXAMPLE;
});
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

describe('tierdesk policy check', () => {
  it('accepts the example policy', async () => {
    const r = await run('policy', 'check', 'policy/example.yaml');
    expect(r).toEqual({
      code: 0,
      out: 'policy/example.yaml: ok (3 tiers, 5 queues, 3 escalation chains)',
      err: '',
    });
  });

  it('prints every problem of an invalid policy to err and exits 1', async () => {
    const file = fixture('policies/invalid-references.yaml');
    const r = await run('policy', 'check', file);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    const loaded = loadPolicy(file);
    const problems = loaded.ok ? [] : loaded.problems.map(formatProblem);
    expect(problems).toHaveLength(10);
    expect(r.err.split('\n')).toEqual([...problems, `${file}: 10 problems`]);
    expect(r.err).toContain(`${file}:22: tiers[1].calendar: calendar "nowhere" is not defined`);
  });

  it('words each wrong value as a sentence, as file:line: path: message', async () => {
    const file = fixture('policies/invalid-values.yaml');
    const r = await run('policy', 'check', file);
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toEqual([
      `${file}:3: version: must be 1`,
      `${file}:9: calendars.office.holidays[0]: 2026-02-30 is not a date`,
      `${file}:12: tiers[0].label: must not be empty`,
      `${file}:13: tiers[0].rank: must be a whole number`,
      `${file}:16: tiers[0].targets.P1.firstResponse: must be a whole number of minutes`,
      `${file}:17: tiers[0].targets.P2.firstResponse: must be a number`,
      `${file}:19: tiers[0].targets.P4.resolution: is required`,
      `${file}:21: tiers[0].entitlements.highestPriority: must be one of: P1, P2, P3, P4`,
      `${file}:35: escalationChains.lead.levels[0].target: must be one of: { rotation: NAME }, { role: agent | specialist | oncall | lead | admin }, { people: [HANDLE, ...] }`,
      `${file}:45: rotations.primary.overrides[0].from: 2026-02-30 is not a date`,
      `${file}: 10 problems`,
    ]);
    expect(r.err).not.toMatch(LIBRARY_WORDING);
  });

  it('reports a missing file and exits 1', async () => {
    const r = await run('policy', 'check', 'no/such/policy.yaml');
    expect(r.code).toBe(1);
    expect(r.err).toBe('no/such/policy.yaml: (file): file not found\nno/such/policy.yaml: 1 problem');
    const folder = await run('policy', 'check', 'policy');
    expect(folder.code).toBe(1);
    expect(folder.err).toBe('policy: (file): is a folder, not a file\npolicy: 1 problem');
  });

  it('exits 2 with the usage without exactly one file', async () => {
    const cases: Array<[string[], string]> = [
      [['policy', 'check'], 'tierdesk policy check: FILE is missing'],
      [['policy', 'check', 'a.yaml', 'b.yaml'], 'tierdesk policy check: unexpected argument "b.yaml"'],
      [['policy'], 'tierdesk: "policy" needs one more word'],
    ];
    for (const [argv, message] of cases) {
      const r = await run(...argv);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.split('\n')[0]).toBe(message);
      expect(r.err).toContain('policy check FILE');
    }
  });
});

describe('tierdesk sla due', () => {
  const due = async (...args: string[]) => {
    const r = await run('sla', 'due', ...args);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.out) as unknown;
  };

  it('computes 24x7 deadlines for enterprise', async () => {
    // always-on: every minute counts. 06:30Z + 15 min = 06:45Z; + 240 min = 10:30Z.
    expect(await due('--tier', 'enterprise', '--priority', 'P1', '--opened', '2026-03-08T06:30:00Z')).toEqual(
      {
        firstResponseDue: '2026-03-08T06:45:00.000Z',
        resolutionDue: '2026-03-08T10:30:00.000Z',
        calendar: 'always-on',
      },
    );
  });

  it('carries business time over a weekend with a DST change', async () => {
    // us-business, Mon–Fri 08:00–20:00 America/New_York. Opened Fri 19:30 EST (00:30Z Sat).
    // Friday gives 30 min (19:30–20:00). DST begins Sun 2026-03-08, so Monday is EDT (UTC-4).
    // First response 60: 30 left → Mon 08:30 EDT = 12:30Z.
    // Resolution 480: 450 left → Mon 08:00 + 7h30 = 15:30 EDT = 19:30Z.
    const opened = ['--tier', 'business', '--priority', 'P1', '--opened', '2026-03-06T19:30:00-05:00'];
    expect(await due(...opened)).toEqual({
      firstResponseDue: '2026-03-09T12:30:00.000Z',
      resolutionDue: '2026-03-09T19:30:00.000Z',
      calendar: 'us-business',
    });
    // Paused 13:00Z–14:00Z Monday = 09:00–10:00 EDT, 60 business minutes: resolution moves by
    // exactly 60 min to 16:30 EDT = 20:30Z; first response is never paused and stays 12:30Z.
    expect(await due(...opened, '--paused', '2026-03-09T13:00:00Z/2026-03-09T14:00:00Z')).toEqual({
      firstResponseDue: '2026-03-09T12:30:00.000Z',
      resolutionDue: '2026-03-09T20:30:00.000Z',
      calendar: 'us-business',
    });
    // Paused Fri 19:45 EST (00:45Z) to Mon 08:15 EDT (12:15Z): only the open part counts, 15 min on
    // Friday + 15 min on Monday = 30 → resolution 16:00 EDT = 20:00Z. The pause even covers the
    // first-response deadline, which still does not move.
    expect(await due(...opened, '--paused', '2026-03-07T00:45:00Z/2026-03-09T12:15:00Z')).toEqual({
      firstResponseDue: '2026-03-09T12:30:00.000Z',
      resolutionDue: '2026-03-09T20:00:00.000Z',
      calendar: 'us-business',
    });
  });

  it('starts the clock after a holiday', async () => {
    // Thu 2026-11-26 (Thanksgiving) is closed all day: the clock starts Fri 08:00 EST = 13:00Z.
    // First response 60 → 09:00 EST = 14:00Z; resolution 480 → 16:00 EST = 21:00Z (EST = UTC-5).
    expect(
      await due('--tier', 'business', '--priority', 'p1', '--opened', '2026-11-26T10:00:00-05:00'),
    ).toEqual({
      firstResponseDue: '2026-11-27T14:00:00.000Z',
      resolutionDue: '2026-11-27T21:00:00.000Z',
      calendar: 'us-business',
    });
  });

  it('reads another policy with --policy', async () => {
    const r = await run(
      ...['sla', 'due', '--tier', 'gold', '--priority', 'P1', '--opened', '2026-03-08T06:30:00Z'],
      ...['--policy', fixture('policies/invalid-references.yaml')],
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain('tiers[1].calendar: calendar "nowhere" is not defined');
  });

  const ok = ['--tier', 'business', '--priority', 'P1', '--opened', '2026-03-06T19:30:00-05:00'];
  const bad: Array<[string, string[], string]> = [
    ['--opened is missing', ['--tier', 'business', '--priority', 'P1'], '--opened is required'],
    ['--opened has no value', [...ok.slice(0, 5)], '--opened needs a value (ISO-8601)'],
    [
      '--tier is given twice',
      ['--tier', 'enterprise', ...ok],
      '--tier is given more than once; give it once',
    ],
    ['an argument is left over', [...ok, 'now'], 'unexpected argument "now" (it takes none)'],
    ['the priority is P9', [...ok.slice(0, 3), 'P9', ...ok.slice(4)], '"P9" is not one of P1, P2, P3, P4'],
    ['--opened is "yesterday"', [...ok.slice(0, 5), 'yesterday'], '"yesterday" is not an ISO-8601 instant'],
    ['--opened has no zone', [...ok.slice(0, 5), '2026-03-06T19:30:00'], 'with a zone'],
    ['the tier is unknown', ['--tier', 'gold', ...ok.slice(2)], '"gold" is not a tier of the policy'],
    ['an option is unknown', [...ok, '--foo'], 'unknown option --foo'],
    [
      'a pause ends before it starts',
      [...ok, '--paused', '2026-03-09T14:00:00Z/2026-03-09T13:00:00Z'],
      'ends before',
    ],
    ['a pause is not FROM/TO', [...ok, '--paused', '2026-03-09T14:00:00Z'], 'is not FROM/TO'],
  ];
  for (const [name, args, message] of bad)
    it(`exits 2 with the usage when ${name}`, async () => {
      const r = await run('sla', 'due', ...args);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.split('\n')[0]).toMatch(/^tierdesk sla due: /);
      expect(r.err.split('\n')[0]).toContain(message);
      expect(r.err).toContain(`usage: ${usageLine(command('sla due'))}`);
      expect(r.err).not.toMatch(/Unknown option|ERR_PARSE_ARGS|To specify a positional/);
    });

  it('exits 2 for a date or time that does not exist, saying which in a sentence', async () => {
    const day = await run('sla', 'due', ...ok.slice(0, 5), '2026-02-30T10:00:00Z');
    expect(day.code).toBe(2);
    expect(day.err.split('\n')[0]).toBe('tierdesk sla due: --opened: 2026-02-30 is not a date');
    const hour = await run('sla', 'due', ...ok, '--paused', '2026-03-09T13:00:00Z/2026-03-09T25:00:00Z');
    expect(hour.code).toBe(2);
    expect(hour.err.split('\n')[0]).toBe('tierdesk sla due: --paused TO: 25:00:00 is not a time of day');
    expect(`${day.err}${hour.err}`).not.toMatch(LIBRARY_WORDING);
  });
});

describe('tierdesk migrate and import', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-cli-'));
  });
  beforeEach(() => {
    process.env.TIERDESK_DATA_DIR = dataDir;
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** What the database holds, read through a connection of its own (closed before the CLI runs again). */
  async function contents() {
    const database = await openDatabase({ dataDir });
    try {
      const { db } = database;
      const orgs = await db
        .select({ name: organizations.name, tier: organizations.tier })
        .from(organizations);
      const handles = await db.select({ handle: people.handle }).from(people);
      const channels = await db.select({ id: channelLinks.channelId }).from(channelLinks);
      return {
        organizations: orgs.map((o) => `${o.name}: ${o.tier}`).sort(),
        people: handles.map((p) => p.handle).sort(),
        channels: channels.map((c) => c.id).sort(),
        identities: (await db.select().from(identities)).length,
        skills: (await db.select().from(skills)).length,
      };
    } finally {
      await database.close();
    }
  }

  const imported = (file: string) =>
    `${file}: imported 3 organizations, 8 channel links, 10 people, 30 identities, 14 skills, 0 rotations`;
  let afterFirstImport: Awaited<ReturnType<typeof contents>>;

  it('migrates an embedded PGlite database in TIERDESK_DATA_DIR', async () => {
    expect(await run('migrate')).toEqual({ code: 0, out: 'migrations applied (pglite)', err: '' });
  });

  it('imports the example directory', async () => {
    expect(await run('import', DIRECTORY)).toEqual({ code: 0, out: imported(DIRECTORY), err: '' });
    afterFirstImport = await contents();
    expect(afterFirstImport.organizations).toEqual([
      'Globex Logistics: business',
      'Initech Studio: starter',
      'Northwind Bank: enterprise',
    ]);
    expect(afterFirstImport.people).toHaveLength(10);
    expect(afterFirstImport).toMatchObject({ identities: 30, skills: 14 });
    expect(afterFirstImport.channels).toHaveLength(8);
  });

  it('is idempotent: a second import reports the same and changes nothing', async () => {
    expect(await run('import', DIRECTORY)).toEqual({ code: 0, out: imported(DIRECTORY), err: '' });
    expect(await contents()).toEqual(afterFirstImport);
  });

  it('rejects an invalid file, lists its problems and writes nothing of it', async () => {
    const file = fixture('imports/invalid-directory.yaml');
    const r = await run('import', file);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.split('\n')).toEqual([
      `${file}:6: organizations[0].tierOverride: tier "platinum" is not in the policy`,
      `${file}:19: people[1].skills[0].domain: domain "quantum" is not in the policy (security, performance, integrations, data_models, billing, general)`,
      `${file}:20: people[1].skills[1].tiers[0]: tier "gold" is not in the policy`,
      `${file}:21: people[2].handle: handle "eve" appears twice`,
      `${file}:26: rotations.sre-primary: rotation "sre-primary" is defined in the policy file; change it there`,
      `${file}: 5 problem(s); nothing was imported`,
    ]);
    expect((await run('import', DIRECTORY)).code).toBe(0);
    const now = await contents();
    expect(now).toEqual(afterFirstImport);
    expect(now.organizations.join()).not.toContain('Umbrella');
    expect(now.people).not.toContain('eve');
    expect(now.channels).not.toContain('umbrella-support');
  });

  it('words each wrong value of an import file as a sentence and imports nothing', async () => {
    const file = fixture('imports/invalid-values.yaml');
    const r = await run('import', file);
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toEqual([
      `${file}:5: organizations[0].contractValue: must not be negative`,
      `${file}:6: organizations[0].strategic: must be true or false`,
      `${file}:8: organizations[0].channels[0].platform: must be one of: slack, discord, sandbox`,
      `${file}:12: people[0].email: must be an email address`,
      `${file}:13: people[0].roles: must have at least one role`,
      `${file}:15: people[0].skills[0].level: must be a whole number`,
      `${file}:16: people[0].skills[1].level: must be at most 5`,
      `${file}:17: people[1].handle: must be a lower-case handle of letters, digits, ".", "-" or "_"`,
      `${file}:17: people[1].name: is required`,
      `${file}:18: people[1].roles[0]: must be one of: customer, agent, specialist, oncall, lead, admin`,
      `${file}: 10 problem(s); nothing was imported`,
    ]);
    expect(r.err).not.toMatch(LIBRARY_WORDING);
    expect(await contents()).toEqual(afterFirstImport);
  });

  it('rolls back everything when the import fails inside its transaction', async () => {
    const file = fixture('imports/unknown-organization.yaml');
    const r = await run('import', file);
    expect(r.code).toBe(1);
    expect(r.err).toContain('organization "Nowhere Inc" is neither in the file nor in the database');
    expect(r.err).toContain('nothing was imported');
    // The organization came first in the file and was written before the person failed: gone again.
    expect(await contents()).toEqual(afterFirstImport);
  });

  it('reports a missing file with exit 1 and bad arguments with exit 2', async () => {
    const missing = await run('import', 'no/such/directory.yaml');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no/such/directory.yaml: (file): file not found');
    const none = await run('import');
    expect(none.code).toBe(2);
    expect(none.err).toBe(
      'tierdesk import: FILE is missing\nusage: tierdesk import FILE\n(tierdesk import --help says more)',
    );
  });
});

describe('tierdesk prepare', () => {
  it('leaves the template npm install made (or makes it) and says where it is', async () => {
    const r = await run('prepare');
    expect(r).toEqual({
      code: 0,
      out: expect.stringMatching(
        /^embedded database template (initialised|already there): \/.+pglite-[\d.]+$/,
      ),
      err: '',
    });
    expect((await run('prepare')).out).toContain('already there');
  }, 60_000);

  it('exits 2 with the usage when given arguments', async () => {
    const r = await run('prepare', 'now');
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe('tierdesk prepare: unexpected argument "now" (it takes none)');
  });
});

describe('tierdesk without a known command', () => {
  it('exits 2 with the usage when no command is given', async () => {
    const r = await run();
    expect(r.code).toBe(2);
    expect(`${r.out}${r.err}`).toContain(USAGE);
  });

  it('exits 2 with the usage for an unknown command or subcommand', async () => {
    const sla = groupUsage('sla', [command('sla due')]);
    const cases: Array<[string[], string, string]> = [
      [['frobnicate'], 'tierdesk: unknown command "frobnicate"', USAGE],
      [['--frobnicate'], 'tierdesk: unknown option --frobnicate', USAGE],
      [['sla'], 'tierdesk: "sla" needs one more word', sla],
      [['sla', 'overdue'], 'tierdesk: unknown command "sla overdue"', sla],
      [['help', 'frobnicate'], 'tierdesk: unknown command "frobnicate"', USAGE],
    ];
    for (const [argv, message, usage] of cases) {
      const r = await run(...argv);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.split('\n')[0]).toBe(message);
      expect(r.err).toContain(usage);
    }
  });

  it('prints the usage of every command and exits 0 for help, --help and -h', async () => {
    for (const argv of [['help'], ['--help'], ['-h']])
      expect(await run(...argv)).toEqual({ code: 0, out: USAGE, err: '' });
    for (const c of COMMANDS) expect(USAGE).toContain(`  ${usageLine(c).slice('tierdesk '.length)}`);
    expect(await run('help', 'sla', 'due')).toEqual({
      code: 0,
      out: commandHelp(command('sla due')),
      err: '',
    });
    expect(await run('help', 'sla')).toEqual({
      code: 0,
      out: groupUsage('sla', [command('sla due')]),
      err: '',
    });
  });
});
