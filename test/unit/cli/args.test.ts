import { describe, expect, it } from 'vitest';
import { type ArgsSpec, parseCommandArgs, requiredOption, stringOptions } from '../../../src/cli/args.js';
import { COMMANDS } from '../../../src/cli/commands.js';
import { type CommandSpec, commandHelp, topUsage, usageLine } from '../../../src/cli/help.js';
import { UsageError } from '../../../src/cli/io.js';

const spec: ArgsSpec = {
  options: {
    tier: { type: 'string', value: 'TIER', required: true, help: 'a tier' },
    paused: { type: 'string', value: 'FROM/TO', multiple: true, help: 'a pause' },
    dry: { type: 'boolean', help: 'change nothing' },
  },
  operands: [{ name: 'FILE', help: 'a file' }],
};

/** The UsageError's message for `args`, or a failure if they are accepted. */
function refusal(args: string[], s: ArgsSpec = spec): string {
  try {
    parseCommandArgs(s, args);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`accepted: ${args.join(' ')}`);
}

describe('parseCommandArgs', () => {
  it('reads options in either form, repeated lists in order, and operands', () => {
    const a = parseCommandArgs(spec, ['--tier=gold', '--paused', 'a/b', 'f.yaml', '--paused=c/d', '--dry']);
    expect(a).toEqual({ values: { tier: 'gold', paused: ['a/b', 'c/d'], dry: true }, operands: ['f.yaml'] });
    if (a === 'help') return;
    expect(requiredOption(a, 'tier')).toBe('gold');
    expect(stringOptions(a, 'paused')).toEqual(['a/b', 'c/d']);
  });

  it('takes words after -- as operands, even ones that look like options', () => {
    expect(parseCommandArgs(spec, ['--tier', 'gold', '--', '--help'])).toEqual({
      values: { tier: 'gold' },
      operands: ['--help'],
    });
  });

  it('answers help for --help or -h anywhere before --, over any mistake', () => {
    for (const args of [
      ['--help'],
      ['-h'],
      ['f.yaml', 'extra', '--help'],
      ['--tier', 'a', '--tier', 'b', '-h'],
      ['--nope', '--help'],
      ['--tier', '--help'],
      ['--tier', '-h'],
    ])
      expect(parseCommandArgs(spec, args)).toBe('help');
  });

  it('refuses each mistake with a sentence of its own', () => {
    const cases: Array<[string[], string]> = [
      [['--tier', 'a', '--tier', 'b', 'f'], '--tier is given more than once; give it once'],
      [['--tier', 'a', '--dry', '--dry', 'f'], '--dry is given more than once; give it once'],
      [['--tier', 'a', 'f', 'g'], 'unexpected argument "g"'],
      [['--tier', 'a', 'f', 'g', 'h'], 'unexpected arguments "g" "h"'],
      [['--tier', 'a'], 'FILE is missing'],
      [['f'], '--tier is required'],
      [['f', '--tier'], '--tier needs a value (TIER)'],
      [['f', '--tier='], '--tier needs a value (TIER)'],
      [['f', '--tier', '--dry'], '--tier needs a value (TIER)'],
      [['f', '--tier', 'a', '--dry=yes'], '--dry takes no value'],
      [['f', '--tier', 'a', '--colour', 'blue'], 'unknown option --colour'],
      [['f', '--tier', 'a', '-x'], 'unknown option -x'],
      [['f', '--tier', 'a', '--constructor'], 'unknown option --constructor'],
    ];
    for (const [args, message] of cases) expect(refusal(args), args.join(' ')).toBe(message);
  });

  it('says a command without operands takes none', () => {
    expect(refusal(['extra'], {})).toBe('unexpected argument "extra" (it takes none)');
    expect(parseCommandArgs({}, [])).toEqual({ values: {}, operands: [] });
  });

  it('never passes on Node parser wording', () => {
    for (const args of [['--x'], ['-x'], ['--tier'], ['a', 'b', 'c']])
      expect(refusal(args)).not.toMatch(/Unknown option|ERR_PARSE_ARGS|positional|ambiguous/);
  });
});

describe('the command table', () => {
  const demo: CommandSpec = { ...spec, name: 'demo run', summary: 'run a demo', run: () => 0 };

  it('makes each usage line from the options and operands', () => {
    expect(usageLine(demo)).toBe('tierdesk demo run --tier TIER [--paused FROM/TO ...] [--dry] FILE');
    expect(usageLine(COMMANDS.find((c) => c.name === 'sla due')!)).toBe(
      'tierdesk sla due --tier TIER --priority P1|P2|P3|P4 --opened ISO-8601 [--paused FROM/TO ...] [--policy FILE]',
    );
  });

  it("explains every operand and option in a command's help, and -h/--help", () => {
    const help = commandHelp(demo);
    expect(help.split('\n').slice(0, 3)).toEqual([`usage: ${usageLine(demo)}`, '', 'Run a demo.']);
    for (const needle of ['FILE', '--tier TIER', '--paused FROM/TO', '--dry', '-h, --help'])
      expect(help).toContain(`  ${needle}`);
  });

  it('lists every command in the top usage, each name once', () => {
    const usage = topUsage(COMMANDS);
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const c of COMMANDS) expect(usage).toContain(`\n  ${usageLine(c).slice('tierdesk '.length)}`);
    expect(usage).toContain('help [COMMAND]');
  });
});
