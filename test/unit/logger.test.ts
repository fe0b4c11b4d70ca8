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
});
