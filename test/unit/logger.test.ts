import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { serializeError } from '../../src/logger.js';

describe('error serialization in logs', () => {
  it('logs a failed query without its parameters, which hold customer text and tokens', () => {
    const body = JSON.stringify({ token: 'verification-token-123', event: { text: 'our invoices leak' } });
    const sql = `insert into "inbox" ("platform", "event_id", "body") values ${Array.from({ length: 500 }, (_, i) => `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`).join(', ')}`;
    const cause = Object.assign(new Error('bind message has 1500 parameter formats but 0 parameters'), {
      code: '08P01',
    });
    const err = new DrizzleQueryError(
      sql,
      Array.from({ length: 500 }, () => ['slack', 'Ev1', body]).flat(),
      cause,
    );
    const logged = JSON.stringify(serializeError(err));
    expect(logged).not.toContain('verification-token-123');
    expect(logged).not.toContain('our invoices leak');
    expect(logged.length).toBeLessThan(4_000);
    const out = serializeError(err) as unknown as Record<string, unknown>;
    expect(out.message).toMatch(
      /^Failed query: insert into "inbox" \("platform", "event_id", "body"\) values \(\$1/,
    );
    expect(out.params).toBe('1500 parameters (not logged)');
    expect(out.cause).toMatchObject({
      message: 'bind message has 1500 parameter formats but 0 parameters',
      code: '08P01',
    });
  });

  it('logs other errors as they are', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(serializeError(err)).toMatchObject({ type: 'Error', message: err.message, code: 'ECONNREFUSED' });
  });

  it('follows the whole chain with the same redaction, bounded in depth and size', () => {
    const secret = 'payroll leak at Northwind';
    const failed = () =>
      new DrizzleQueryError('insert into "tickets" ("text") values ($1)', [secret], undefined);
    // Bolt's UnknownError: the original's message as its own, the original as a field.
    const bolt = Object.assign(new Error(failed().message), { code: 'slack_bolt_unknown_error' });
    Object.assign(bolt, { original: failed() });
    const wrapped = new Error(`listener failed: ${failed().message}`, { cause: failed() });
    const many = new AggregateError(Array.from({ length: 50 }, failed), 'several failed');
    let deep: Error = failed();
    for (let i = 0; i < 30; i++) deep = new Error(`level ${i}`, { cause: deep });
    const loop = new Error('loop');
    loop.cause = new Error('back', { cause: loop });
    for (const err of [bolt, wrapped, many, deep, loop]) {
      const logged = JSON.stringify(serializeError(err));
      expect(logged).not.toContain(secret);
      expect(logged.length).toBeLessThan(8_000);
    }
    expect(serializeError(bolt)).toMatchObject({
      message: 'Failed query: insert into "tickets" ("text") values ($1)',
      cause: { type: 'DrizzleQueryError', params: '1 parameters (not logged)' },
    });
    expect(serializeError(wrapped).message).toBe(
      'listener failed: Failed query: insert into "tickets" ("text") values ($1)',
    );
    expect(serializeError(many).errors).toHaveLength(3);
    const depth = (e: { cause?: unknown } | undefined): number => (e ? 1 + depth(e.cause as never) : 0);
    expect(depth(serializeError(deep))).toBe(6);
    expect(depth(serializeError(loop))).toBe(2);
  });

  it('leaves out what PostgreSQL quotes from the rows (detail, where)', () => {
    const pg = Object.assign(new Error('duplicate key value violates unique constraint "people_email"'), {
      code: '23505',
      constraint: 'people_email',
      detail: 'Key (email)=(ines@northwind.example) already exists.',
      where: 'SQL statement "insert into people values (\'Inés\')"',
    });
    const logged = JSON.stringify(serializeError(new Error('import failed', { cause: pg })));
    expect(logged).toContain('23505');
    expect(logged).toContain('people_email');
    expect(logged).not.toContain('ines@northwind');
    expect(logged).not.toContain('Inés');
  });
});
