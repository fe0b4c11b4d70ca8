import type { ArgsSpec, ParsedArgs } from './args.js';
import type { CliIo } from './io.js';

/** A `tierdesk` command: its words, its arguments and what it does; the usage is made from it. */
export interface CommandSpec extends ArgsSpec {
  /** The words that name it: `migrate`, `sla due`. */
  name: string;
  /** One line for the list of commands. */
  summary: string;
  /** More lines for the command's own help, when the summary is not enough. */
  details?: string;
  run(args: ParsedArgs, io: CliIo): Promise<number> | number;
}

const COLUMN = 27;

/** `tierdesk sla due --tier TIER … [--paused FROM/TO ...] [--policy FILE]`. */
export function usageLine(c: CommandSpec): string {
  const words = [`tierdesk ${c.name}`];
  for (const [name, o] of Object.entries(c.options ?? {})) {
    const word = o.type === 'string' ? `--${name} ${o.value ?? 'VALUE'}` : `--${name}`;
    words.push(o.required ? word : o.multiple ? `[${word} ...]` : `[${word}]`);
  }
  for (const op of c.operands ?? []) words.push(op.name);
  return words.join(' ');
}

/** `  left   right`, the right column at COLUMN, or on the next line when the left is too wide. */
function row(left: string, right: string): string {
  const l = `  ${left}`;
  return l.length < COLUMN - 1 ? `${l.padEnd(COLUMN)}${right}` : `${l}\n${' '.repeat(COLUMN)}${right}`;
}

function listing(commands: readonly CommandSpec[]): string[] {
  return commands.map((c) => row(usageLine(c).slice('tierdesk '.length), c.summary));
}

/** What `tierdesk --help` prints: every command of the table. */
export function topUsage(commands: readonly CommandSpec[]): string {
  return [
    'usage: tierdesk COMMAND [ARGUMENTS]',
    '',
    'commands:',
    ...listing(commands),
    row('help [COMMAND]', 'print this list, or the help of one command'),
    '',
    'Every command answers --help (or -h) with its arguments and options and does nothing else.',
    'Exit codes: 0 done, 1 failed (the reason is printed), 2 bad arguments (with the usage).',
    'environment: see README.md (DATABASE_URL, TIERDESK_POLICY, TIERDESK_DATA_DIR, PORT, LOG_LEVEL, ...)',
  ].join('\n');
}

/** What `tierdesk sla --help` prints: the commands under one first word. */
export function groupUsage(group: string, commands: readonly CommandSpec[]): string {
  return [`usage: tierdesk ${group} COMMAND [ARGUMENTS]`, '', 'commands:', ...listing(commands)].join('\n');
}

/** What `tierdesk sla due --help` prints. */
export function commandHelp(c: CommandSpec): string {
  const lines = [`usage: ${usageLine(c)}`, '', `${c.summary[0]?.toUpperCase()}${c.summary.slice(1)}.`];
  if (c.details) lines.push(c.details);
  if (c.operands?.length) lines.push('', 'arguments:', ...c.operands.map((o) => row(o.name, o.help)));
  lines.push('', 'options:');
  for (const [name, o] of Object.entries(c.options ?? {}))
    lines.push(row(o.type === 'string' ? `--${name} ${o.value ?? 'VALUE'}` : `--${name}`, o.help));
  lines.push(row('-h, --help', 'print this help and exit'));
  return lines.join('\n');
}
