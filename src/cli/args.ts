import { parseArgs } from 'node:util';
import { UsageError } from './io.js';

/** One `--name` option of a command. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** What the value is, as the usage shows it: `TIER`, `FILE`, `P1|P2|P3|P4`. */
  value?: string;
  required?: boolean;
  /** May be given more than once (values collect in order); every other option may appear once. */
  multiple?: boolean;
  help: string;
}

/** A word the command takes in order, like `FILE`; each is required. */
export interface OperandSpec {
  name: string;
  help: string;
}

export interface ArgsSpec {
  options?: Readonly<Record<string, OptionSpec>>;
  operands?: readonly OperandSpec[];
}

export interface ParsedArgs {
  /** String options as strings (lists when `multiple`), booleans as `true`; absent ones are undefined. */
  values: Record<string, string | string[] | true | undefined>;
  operands: string[];
}

/** A single string option's value; undefined when it was not given. */
export function stringOption(a: ParsedArgs, name: string): string | undefined {
  const v = a.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A string option the table marks `required` (parseCommandArgs refused the words without it). */
export function requiredOption(a: ParsedArgs, name: string): string {
  const v = stringOption(a, name);
  if (v === undefined) throw new UsageError(`--${name} is required`);
  return v;
}

/** The values of a `multiple` option, in the order given. */
export function stringOptions(a: ParsedArgs, name: string): string[] {
  const v = a.values[name];
  return Array.isArray(v) ? v : [];
}

type Token = ReturnType<typeof parseArgs<{ tokens: true; strict: false }>>['tokens'][number];
type OptionToken = Extract<Token, { kind: 'option' }>;

const isHelpWord = (s: string | undefined) => s === '--help' || s === '-h';

/**
 * Node's `util.parseArgs` reads the words (`--x=v`, `--x v`, `--`), leniently, so that every
 * refusal below is worded here for a person instead of by Node ("Unknown option '--foo'. To
 * specify a positional argument starting with a '-'…"). `--help`/`-h` anywhere before `--` wins
 * over any mistake, even as the missing value of an option (`--tier --help`).
 */
export function parseCommandArgs(spec: ArgsSpec, args: string[]): 'help' | ParsedArgs {
  const options = spec.options ?? {};
  const { tokens } = parseArgs({
    args,
    options: { ...options, help: { type: 'boolean', short: 'h' } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const opts = tokens.filter((t): t is OptionToken => t.kind === 'option');
  if (opts.some((t) => t.name === 'help' || (!t.inlineValue && isHelpWord(t.value)))) return 'help';
  const values: ParsedArgs['values'] = {};
  for (const t of opts) readOption(options, t, values);
  for (const [name, o] of Object.entries(options))
    if (o.required && values[name] === undefined) throw new UsageError(`--${name} is required`);
  const operands = tokens.flatMap((t) => (t.kind === 'positional' ? [t.value] : []));
  checkOperands(spec.operands ?? [], operands);
  return { values, operands };
}

function readOption(
  options: Readonly<Record<string, OptionSpec>>,
  t: OptionToken,
  into: ParsedArgs['values'],
) {
  const o = Object.hasOwn(options, t.name) ? options[t.name] : undefined;
  if (!o) throw new UsageError(`unknown option ${t.rawName}`);
  const name = `--${t.name}`;
  if (into[t.name] !== undefined && !o.multiple)
    throw new UsageError(`${name} is given more than once; give it once`);
  if (o.type === 'boolean') {
    if (t.value !== undefined) throw new UsageError(`${name} takes no value`);
    into[t.name] = true;
    return;
  }
  // A value starting with "-" is almost always the next option with this one's value forgotten.
  if (t.value === undefined || t.value === '' || (!t.inlineValue && t.value.startsWith('-')))
    throw new UsageError(`${name} needs a value (${o.value ?? 'VALUE'})`);
  const before = into[t.name];
  into[t.name] = o.multiple ? [...(Array.isArray(before) ? before : []), t.value] : t.value;
}

function checkOperands(expected: readonly OperandSpec[], got: string[]) {
  if (got.length > expected.length) {
    const extra = got.slice(expected.length).map((a) => `"${a}"`);
    throw new UsageError(
      `unexpected argument${extra.length === 1 ? '' : 's'} ${extra.join(' ')}${expected.length === 0 ? ' (it takes none)' : ''}`,
    );
  }
  const missing = expected.slice(got.length).map((o) => o.name);
  if (missing.length > 0)
    throw new UsageError(`${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing`);
}
