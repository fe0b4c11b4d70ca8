import { parseEnv } from '../config/env.js';
import { formatProblem, loadPolicy } from '../config/policy.js';
import { runImport } from './import.js';
import { type CliIo, processIo, UsageError } from './io.js';
import { runMigrate, runPrepare } from './migrate.js';
import { SLA_DUE_USAGE, slaDue } from './sla-due.js';

// discord.js is loaded only for `discord deploy-commands`, not by every command (start included).
const DEPLOY_USAGE = 'usage: tierdesk discord deploy-commands [--guild GUILD_ID]';

export const USAGE = `usage: tierdesk <command>

commands:
  start                    run the bot (migrations, HTTP server, jobs, configured chat adapters)
  migrate                  apply database migrations and exit
  prepare                  initialise the embedded database's template, so a first start skips
                           initdb (npm install runs it)
  policy check FILE        validate a policy file; prints every problem, exit 1 if any
  import FILE              load organizations, people, skills and rotations from YAML (idempotent)
  discord deploy-commands [--guild ID]
                           register /ticket, /support, /oncall with Discord (globally or in one guild)
  sla due --tier T --priority P --opened ISO [--paused FROM/TO ...] [--policy FILE]
                           print the first-response and resolution deadlines as JSON (UTC)

environment: see README.md (DATABASE_URL, TIERDESK_POLICY, TIERDESK_DATA_DIR, PORT, LOG_LEVEL, ...)`;

function policyCheck(args: string[], io: CliIo): number {
  if (args.length !== 1) throw new UsageError('policy check takes exactly one FILE');
  const r = loadPolicy(args[0]!);
  if (r.ok) {
    io.out(
      `${args[0]}: ok (${r.policy.tiers.length} tiers, ${r.policy.queues.length} queues, ${Object.keys(r.policy.escalationChains).length} escalation chains)`,
    );
    return 0;
  }
  for (const p of r.problems) io.err(formatProblem(p));
  io.err(`${args[0]}: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}`);
  return 1;
}

function envOrExit(io: CliIo) {
  const env = parseEnv();
  if (!env.ok) for (const p of env.problems) io.err(`environment: ${p}`);
  return env;
}

/** The `tierdesk` command. Returns the exit code: 0 ok, 1 failure, 2 bad arguments. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'start': {
        const env = envOrExit(io);
        if (!env.ok) return 1;
        const { start } = await import('../main.js');
        return start(env.env);
      }
      case 'migrate': {
        const env = envOrExit(io);
        return env.ok ? runMigrate(env.env, io) : 1;
      }
      case 'prepare':
        if (rest.length > 0) throw new UsageError('prepare takes no arguments');
        return runPrepare(io);
      case 'policy':
        if (rest[0] !== 'check')
          throw new UsageError(
            `unknown policy command "${rest[0] ?? ''}"; did you mean "policy check FILE"?`,
          );
        return policyCheck(rest.slice(1), io);
      case 'import': {
        if (rest.length !== 1) throw new UsageError('import takes exactly one FILE');
        const env = envOrExit(io);
        return env.ok ? runImport(env.env, rest[0]!, io) : 1;
      }
      case 'discord': {
        if (rest[0] !== 'deploy-commands')
          throw new UsageError(`unknown discord command "${rest[0] ?? ''}"\n${DEPLOY_USAGE}`);
        const env = envOrExit(io);
        if (!env.ok) return 1;
        try {
          const { deployCommands } = await import('./discord-deploy.js');
          return await deployCommands(rest.slice(1), env.env, io);
        } catch (e) {
          if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
            io.err(`tierdesk discord deploy-commands: ${(e as Error).message}\n${DEPLOY_USAGE}`);
            return 2;
          }
          throw e;
        }
      }
      case 'sla':
        if (rest[0] !== 'due')
          throw new UsageError(`unknown sla command "${rest[0] ?? ''}"\n${SLA_DUE_USAGE}`);
        try {
          const env = envOrExit(io);
          if (!env.ok) return 1;
          return slaDue(rest.slice(1), io, env.env.TIERDESK_POLICY);
        } catch (e) {
          if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
            io.err(`tierdesk sla due: ${(e as Error).message}\n${SLA_DUE_USAGE}`);
            return 2;
          }
          throw e;
        }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        if (cmd === undefined) {
          io.err(USAGE);
          return 2;
        }
        io.out(USAGE);
        return 0;
      default:
        throw new UsageError(`unknown command "${cmd}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`tierdesk: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}
