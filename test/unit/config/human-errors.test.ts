import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { humanIssue, invalidDateSentence } from '../../../src/config/human-errors.js';

/** Zod's and Luxon's own phrases, which must never reach a person. */
const LIBRARY_WORDING =
  /expected (int|number|string|object|array|boolean)|received|Invalid (input|option|string|ISO)|Too (big|small)|Unrecognized|of type number|[<>]=?\d/;

const schema = z.strictObject({
  level: z.number().int().min(1).max(5),
  rate: z.number().gt(0).lt(1),
  count: z.number().nonnegative(),
  priority: z.enum(['P1', 'P2', 'P3', 'P4']),
  version: z.literal(1),
  text: z.string().min(1).max(4000),
  tags: z.array(z.string()).min(1).max(3),
  strategic: z.boolean(),
  email: z.email(),
  from: z.iso.datetime({ offset: true }),
  keyed: z.record(z.string().regex(/^[a-z]+$/, 'must be lower-case letters'), z.number()),
  either: z.union([z.strictObject({ a: z.string() }), z.strictObject({ b: z.number() })]),
  even: z.number().multipleOf(2),
  checked: z.string().refine((s) => s === 'yes'),
});
const valid = {
  level: 3,
  rate: 0.5,
  count: 0,
  priority: 'P1',
  version: 1,
  text: 'hello',
  tags: ['a'],
  strategic: false,
  email: 'a@example.com',
  from: '2026-03-06T16:30:00-05:00',
  keyed: { a: 1 },
  either: { a: 'x' },
  even: 2,
  checked: 'yes',
};

/** The one message for `field` when it holds `value` (undefined: the field is left out). */
function messageFor(field: keyof typeof valid, value: unknown): string {
  const input: Record<string, unknown> = { ...valid, [field]: value };
  if (value === undefined) delete input[field];
  const r = schema.safeParse(input, { error: humanIssue });
  if (r.success) throw new Error(`${field}: ${String(value)} was accepted`);
  expect(r.error.issues).toHaveLength(1);
  return r.error.issues[0]!.message;
}

describe('humanIssue words every zod problem as a sentence', () => {
  const cases: Array<[keyof typeof valid, unknown, string]> = [
    ['level', 2.5, 'must be a whole number'],
    ['level', '3', 'must be a number'],
    ['level', undefined, 'is required'],
    ['level', null, 'must be a number, not empty'],
    ['level', 0, 'must be at least 1'],
    ['level', 6, 'must be at most 5'],
    ['rate', 0, 'must be greater than 0'],
    ['rate', 1, 'must be less than 1'],
    ['count', -1, 'must not be negative'],
    ['priority', 'P9', 'must be one of: P1, P2, P3, P4'],
    ['priority', 1, 'must be one of: P1, P2, P3, P4'],
    ['version', 2, 'must be 1'],
    ['text', '', 'must not be empty'],
    ['text', 'x'.repeat(4001), 'must be at most 4000 characters'],
    ['text', 42, 'must be text'],
    ['tags', [], 'must have at least one item'],
    ['tags', ['a', 'b', 'c', 'd'], 'must have at most 3 items'],
    ['tags', 'a', 'must be a list'],
    ['strategic', 'yes', 'must be true or false'],
    ['email', 'nobody', 'must be an email address'],
    ['from', 'tomorrow', 'must be a date and time with a zone, e.g. 2026-03-06T16:30:00-05:00'],
    ['from', '2026-02-30T10:00:00Z', '2026-02-30 is not a date'],
    ['keyed', { Abc: 1 }, 'the key must be lower-case letters'],
    ['keyed', [], 'must be a map of fields (key: value)'],
    ['either', { c: 1 }, 'does not match any of the allowed forms'],
    ['even', 3, 'must be a multiple of 2'],
    ['checked', 'no', 'is not valid'],
  ];
  for (const [field, value, message] of cases)
    it(`${field} = ${JSON.stringify(value)?.slice(0, 30) ?? 'missing'}: "${message}"`, () => {
      const got = messageFor(field, value);
      expect(got).toBe(message);
      expect(got).not.toMatch(LIBRARY_WORDING);
    });

  it('names unknown fields', () => {
    const r = schema.safeParse({ ...valid, colour: 'blue' }, { error: humanIssue });
    expect(r.error?.issues.map((i) => i.message)).toEqual(['has unknown field "colour"']);
  });

  it('leaves a message written in the schema alone', () => {
    const s = z.string().regex(/^\d+$/, 'must be a port number 0–65535');
    expect(s.safeParse('abc', { error: humanIssue }).error?.issues[0]?.message).toBe(
      'must be a port number 0–65535',
    );
  });

  it('never repeats the value it refuses (an environment variable may be a secret)', () => {
    const secret = 'xoxb-very-secret-token';
    const s = z.strictObject({ a: z.number(), b: z.enum(['x']), c: z.string().max(3), d: z.email() });
    const r = s.safeParse({ a: secret, b: secret, c: secret, d: secret }, { error: humanIssue });
    expect(r.error?.issues).toHaveLength(4);
    for (const i of r.error?.issues ?? []) expect(i.message).not.toContain(secret);
  });
});

describe('invalidDateSentence words what Luxon refused', () => {
  const sentence = (text: string) => {
    const dt = DateTime.fromISO(text, { setZone: true });
    expect(dt.isValid).toBe(false);
    return invalidDateSentence(text, dt);
  };

  it('names a day or month that does not exist as the date', () => {
    expect(sentence('2026-02-30T10:00:00Z')).toBe('2026-02-30 is not a date');
    expect(sentence('2026-13-01T10:00:00Z')).toBe('2026-13-01 is not a date');
    expect(sentence('2026-04-31')).toBe('2026-04-31 is not a date');
  });

  it('names an hour, minute or second out of range as the time of day', () => {
    expect(sentence('2026-02-10T25:00:00Z')).toBe('25:00:00 is not a time of day');
    expect(sentence('2026-02-10T10:61Z')).toBe('10:61 is not a time of day');
  });

  it('says when the text is not ISO-8601 at all', () => {
    expect(sentence('2026-02-10Tfoo+01:00')).toBe('"2026-02-10Tfoo+01:00" is not an ISO-8601 date and time');
  });

  it('never passes on Luxon wording', () => {
    for (const t of ['2026-02-30T10:00:00Z', '2026-02-10T10:00:60Z', 'soon', '2026-00-10'])
      expect(sentence(t)).not.toMatch(/specified|of type|invalid/);
  });
});
