import { type Env, parseEnv } from '../config/env.js';
import { PRIORITIES } from '../domain/policy.js';
import { requiredOption, stringOption, stringOptions } from './args.js';
import type { CommandSpec } from './help.js';
import { runImport } from './import.js';
import { type CliIo, UsageError } from './io.js';
import { runMigrate, runPrepare } from './migrate.js';
import { policyCheck } from './policy-check.js';
import { slaDue } from './sla-due.js';

/** The environment, or null after printing each of its problems (the command then exits 1). */
function envOrNull(io: CliIo): Env | null {
  const env = parseEnv();
  if (env.ok) return env.env;
  for (const p of env.problems) io.err(`environment: ${p}`);
  return null;
}

const FILE = (help: string) => [{ name: 'FILE', help }];

/**
 * Every `tierdesk` command, in the order `tierdesk --help` lists them. Its usage, its help and
 * the checking of its arguments are all made from its entry here, so they cannot disagree.
 * Heavy modules (the bot, discord.js) are imported only by the command that runs them.
 */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'start',
    summary: 'run the bot (migrations, HTTP server, jobs, configured chat adapters)',
    details: 'Configured by the environment (README.md: Configuration). Stops on SIGINT or SIGTERM.',
    async run(_args, io) {
      const env = envOrNull(io);
      if (!env) return 1;
      const { start } = await import('../main.js');
      return start(env);
    },
  },
  {
    name: 'migrate',
    summary: 'apply database migrations and exit',
    details: 'On DATABASE_URL, or on the embedded database in TIERDESK_DATA_DIR.',
    run(_args, io) {
      const env = envOrNull(io);
      return env ? runMigrate(env, io) : 1;
    },
  },
  {
    name: 'prepare',
    summary: "initialise the embedded database's template (npm install runs it)",
    details: 'A first start on the embedded database copies it instead of running initdb.',
    run: (_args, io) => runPrepare(io),
  },
  {
    name: 'policy check',
    summary: 'validate a policy file; print every problem, exit 1 if any',
    details: 'Each problem goes to stderr as file:line: path: message, then their count.',
    operands: FILE('the policy file (YAML), e.g. policy/example.yaml'),
    run: ({ operands }, io) => policyCheck(operands[0]!, io),
  },
  {
    name: 'import',
    summary: 'load organizations, people, skills and rotations from YAML (idempotent)',
    details: 'Checks the whole file against the policy first; writes all of it or nothing.',
    operands: FILE('the directory file (YAML), e.g. policy/example-directory.yaml'),
    run({ operands }, io) {
      const env = envOrNull(io);
      return env ? runImport(env, operands[0]!, io) : 1;
    },
  },
  {
    name: 'discord deploy-commands',
    summary: 'register /ticket, /support, /oncall with Discord (globally or in one guild)',
    details: 'Needs DISCORD_BOT_TOKEN and DISCORD_APPLICATION_ID; global commands may take an hour to show.',
    options: {
      guild: { type: 'string', value: 'GUILD_ID', help: 'register in this guild only (shows at once)' },
    },
    async run(args, io) {
      const guild = stringOption(args, 'guild');
      if (guild !== undefined && !/^\d{15,21}$/.test(guild))
        throw new UsageError(`--guild: "${guild}" is not a guild id (a number of 15 to 21 digits)`);
      const env = envOrNull(io);
      if (!env) return 1;
      const { deployCommands } = await import('./discord-deploy.js');
      return deployCommands(guild, env, io);
    },
  },
  {
    name: 'sla due',
    summary: 'print the first-response and resolution deadlines as JSON (UTC)',
    details:
      "Business time on the tier's calendar, as the bot counts it; a pause moves resolution, not first response.",
    options: {
      tier: { type: 'string', value: 'TIER', required: true, help: 'a tier of the policy, e.g. business' },
      priority: {
        type: 'string',
        value: PRIORITIES.join('|'),
        required: true,
        help: 'the priority (P1 is the most urgent)',
      },
      opened: {
        type: 'string',
        value: 'ISO-8601',
        required: true,
        help: 'when the ticket opened, with a zone: 2026-03-06T19:30:00-05:00',
      },
      paused: {
        type: 'string',
        value: 'FROM/TO',
        multiple: true,
        help: 'a pause of the ticket, two instants with a zone; may repeat',
      },
      policy: { type: 'string', value: 'FILE', help: 'the policy file (default: TIERDESK_POLICY)' },
    },
    run(args, io) {
      const env = envOrNull(io);
      if (!env) return 1;
      const question = {
        tier: requiredOption(args, 'tier'),
        priority: requiredOption(args, 'priority'),
        opened: requiredOption(args, 'opened'),
        paused: stringOptions(args, 'paused'),
        policyFile: stringOption(args, 'policy') ?? env.TIERDESK_POLICY,
      };
      return slaDue(question, io);
    },
  },
];

/** The entry named exactly `name` ("sla due"); throws for a name not in the table (a bug). */
export function command(name: string): CommandSpec {
  const c = COMMANDS.find((x) => x.name === name);
  if (!c) throw new Error(`no command "${name}"`);
  return c;
}
