import { parseCommandArgs } from './args.js';
import { COMMANDS } from './commands.js';
import { describeFailure } from './failure.js';
import { type CommandSpec, commandHelp, groupUsage, topUsage, usageLine } from './help.js';
import { type CliIo, processIo, UsageError } from './io.js';

export const USAGE = topUsage(COMMANDS);

const isHelpWord = (s: string | undefined) => s === '--help' || s === '-h';

/** What the words name: a command with the words after its name, a group, or nothing known. */
type Target =
  | { kind: 'command'; spec: CommandSpec; args: string[] }
  | { kind: 'group'; group: string; members: CommandSpec[]; next: string | undefined }
  | { kind: 'unknown'; word: string };

function resolve(argv: string[]): Target {
  const [first = '', second] = argv;
  const single = COMMANDS.find((c) => c.name === first);
  if (single) return { kind: 'command', spec: single, args: argv.slice(1) };
  const members = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
  if (members.length === 0) return { kind: 'unknown', word: first };
  const spec = members.find((c) => c.name === `${first} ${second}`);
  if (spec) return { kind: 'command', spec, args: argv.slice(2) };
  return { kind: 'group', group: first, members, next: second };
}

/** `tierdesk help [COMMAND]`, `tierdesk --help`, `tierdesk sla --help`: usage on stdout, exit 0. */
function help(asked: string[], io: CliIo): number {
  const words = asked.filter((w) => !isHelpWord(w)); // `tierdesk help --help`
  if (words.length === 0) {
    io.out(USAGE);
    return 0;
  }
  const t = resolve(words);
  if (t.kind === 'command' && t.args.length === 0) io.out(commandHelp(t.spec));
  else if (t.kind === 'group' && t.next === undefined) io.out(groupUsage(t.group, t.members));
  else if (t.kind === 'command')
    throw new UsageError(`help takes a command's name only: tierdesk help ${t.spec.name}`);
  else throw new UsageError(`unknown command "${words.join(' ')}"`);
  return 0;
}

async function runCommand(spec: CommandSpec, args: string[], io: CliIo): Promise<number> {
  try {
    const parsed = parseCommandArgs(spec, args);
    if (parsed === 'help') {
      io.out(commandHelp(spec));
      return 0;
    }
    return await spec.run(parsed, io);
  } catch (e) {
    if (!(e instanceof UsageError)) {
      io.err(`tierdesk ${spec.name}: ${describeFailure(e)}`);
      if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace')
        io.err(String((e as Error).stack));
      return 1;
    }
    io.err(`tierdesk ${spec.name}: ${e.message}`);
    io.err(`usage: ${usageLine(spec)}`);
    io.err(`(tierdesk ${spec.name} --help says more)`);
    return 2;
  }
}

/** The `tierdesk` command. Returns the exit code: 0 done, 1 failed, 2 bad arguments. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    if (argv.length === 0) throw new UsageError('which command?');
    if (argv[0] === 'help' || isHelpWord(argv[0])) return help(argv.slice(1), io);
    const t = resolve(argv);
    if (t.kind === 'command') return await runCommand(t.spec, t.args, io);
    if (t.kind === 'unknown')
      throw new UsageError(
        t.word.startsWith('-') ? `unknown option ${t.word}` : `unknown command "${t.word}"`,
      );
    // `tierdesk sla --help`: the group's commands, whatever else follows (as for a command).
    if (argv.slice(1).some(isHelpWord)) return help([t.group], io);
    io.err(
      t.next === undefined
        ? `tierdesk: "${t.group}" needs one more word`
        : `tierdesk: unknown command "${t.group} ${t.next}"`,
    );
    io.err(`\n${groupUsage(t.group, t.members)}`);
    return 2;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`tierdesk: ${e.message}\n\n${USAGE}`);
    return 2;
  }
}
