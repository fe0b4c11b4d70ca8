import { DateTime } from 'luxon';
import type { z } from 'zod';

/**
 * The one place where validation problems become sentences for people. Zod's and Luxon's own
 * wording ("expected int, received number", "you specified 30 (of type number) as a day") names
 * types and internals a person editing a YAML file or typing a command never sees.
 *
 * Messages are predicates for a path printed before them (`rank: must be a whole number`). They
 * repeat no value (an environment variable may hold a secret) but the date of an instant that
 * does not exist, which only files and arguments hold.
 */

type RawIssue = z.core.$ZodRawIssue;

const NOUNS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map of fields (key: value)',
  record: 'a map of fields (key: value)',
  date: 'a date',
};

const FORMATS: Record<string, string> = {
  email: 'an email address',
  url: 'a URL',
  uuid: 'a UUID',
  datetime: 'a date and time with a zone, e.g. 2026-03-06T16:30:00-05:00',
  date: 'a date YYYY-MM-DD',
  time: 'a time of day HH:MM',
};

/** A value as it would be written in YAML or on the command line: `P1`, `1`, `true`. */
function literal(v: unknown): string {
  return typeof v === 'string' ? v : String(v);
}

/** `must be one of: P1, P2, P3, P4` for the allowed values of an enum or literal. */
function oneOf(values: readonly unknown[]): string {
  return values.length === 1
    ? `must be ${literal(values[0])}`
    : `must be one of: ${values.map(literal).join(', ')}`;
}

function invalidType(expected: string, input: unknown): string {
  if (input === undefined) return 'is required';
  const noun = NOUNS[expected] ?? expected;
  return input === null ? `must be ${noun}, not empty` : `must be ${noun}`;
}

function tooBig(i: {
  origin: string;
  maximum: number | bigint;
  inclusive?: boolean;
  exact?: boolean;
}): string {
  const n = i.maximum.toString();
  if (i.origin === 'string') return `must be ${i.exact ? 'exactly' : 'at most'} ${n} characters`;
  if (i.origin === 'array' || i.origin === 'set')
    return `must have ${i.exact ? 'exactly' : 'at most'} ${n} items`;
  return i.inclusive ? `must be at most ${n}` : `must be less than ${n}`;
}

function tooSmall(i: {
  origin: string;
  minimum: number | bigint;
  inclusive?: boolean;
  exact?: boolean;
}): string {
  const n = i.minimum.toString();
  if (i.origin === 'string')
    return i.exact
      ? `must be exactly ${n} characters`
      : n === '1'
        ? 'must not be empty'
        : `must be at least ${n} characters`;
  if (i.origin === 'array' || i.origin === 'set')
    return i.exact
      ? `must have exactly ${n} items`
      : n === '1'
        ? 'must have at least one item'
        : `must have at least ${n} items`;
  if (n === '0') return i.inclusive ? 'must not be negative' : 'must be greater than 0';
  return i.inclusive ? `must be at least ${n}` : `must be greater than ${n}`;
}

function invalidFormat(format: string, input: unknown): string {
  // A well-formed instant on a day that does not exist: say which day, not "invalid datetime".
  if (format === 'datetime' && typeof input === 'string') {
    const dt = DateTime.fromISO(input, { setZone: true });
    if (dt.invalidReason === 'unit out of range') return invalidDateSentence(input, dt);
  }
  return FORMATS[format] ? `must be ${FORMATS[format]}` : 'is not in the expected format';
}

/** The first sub-problem of a key, union or element, already worded by this map. */
function firstMessage(issues: ReadonlyArray<{ message?: string }> | undefined): string | undefined {
  return issues?.find((i) => i.message)?.message;
}

function sentence(issue: RawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return invalidType(issue.expected, issue.input);
    case 'invalid_value':
      return oneOf(issue.values);
    case 'too_big':
      return tooBig(issue);
    case 'too_small':
      return tooSmall(issue);
    case 'invalid_format':
      return invalidFormat(issue.format, issue.input);
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor.toString()}`;
    case 'unrecognized_keys':
      return `has unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_key': {
      const why = firstMessage(issue.issues);
      return why ? `the key ${why}` : 'has a key that is not allowed';
    }
    case 'invalid_union':
      return 'does not match any of the allowed forms';
    case 'invalid_element':
      return 'has an item that is not allowed';
    default:
      return 'is not valid';
  }
}

/**
 * Zod error map for every parse of outside input (`schema.safeParse(x, { error: humanIssue })`).
 * A message given in the schema itself still wins: zod consults a per-parse map only for issues
 * whose schema has none.
 */
export const humanIssue: z.core.$ZodErrorMap = (issue) => sentence(issue);

/**
 * A sentence for a date-time Luxon refused: `2026-02-30 is not a date`, `25:00 is not a time of
 * day`, instead of Luxon's "you specified 30 (of type number) as a day, which is invalid".
 */
export function invalidDateSentence(
  text: string,
  dt: Pick<DateTime, 'invalidReason' | 'invalidExplanation'>,
): string {
  const unit = /as an? (\w+), which is invalid/.exec(dt.invalidExplanation ?? '')?.[1];
  if (dt.invalidReason === 'unit out of range' && unit) {
    const date = /^\d{4}-\d{2}-\d{2}/.exec(text)?.[0];
    const time = /T(\d{2}:\d{2}(:\d{2}(\.\d+)?)?)/.exec(text)?.[1];
    if ((unit === 'day' || unit === 'month') && date) return `${date} is not a date`;
    if (['hour', 'minute', 'second', 'millisecond'].includes(unit) && time)
      return `${time} is not a time of day`;
  }
  if (dt.invalidReason === 'unparsable') return `"${text}" is not an ISO-8601 date and time`;
  return `"${text}" is not a valid date and time`;
}
