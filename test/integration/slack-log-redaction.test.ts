import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshTs } from '../fakes/slack/slack-events.js';
import { TEST_DB_KIND } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { captureLog } from '../support/log-capture.js';
import { inesWrites, NORTHWIND_TEAM, type SlackBot, startSlackBot } from '../support/slack-bot.js';

/** The most a log line about a failed statement may take: the start of its SQL and the chain's gist. */
const MAX_LINE_BYTES = 6 * 1024;

describe(`a database error inside a Slack listener (${TEST_DB_KIND})`, () => {
  let bot: SlackBot;
  const log = captureLog('info');
  beforeAll(async () => {
    bot = await startSlackBot(undefined, { logger: log.logger });
    bot.fake.addUser({ id: 'U0INESNW01', realName: 'Inés Alvarez', teamId: NORTHWIND_TEAM });
    // A constraint the customer's message breaks: the insert that opens its ticket fails in
    // PostgreSQL, inside the listener, with the message and the author's name among its parameters.
    await bot.app.rows(
      "alter table tickets add constraint refuses_payroll check (position('payroll' in description) = 0)",
    );
  });
  afterAll(async () => {
    await bot.app.rows('alter table tickets drop constraint refuses_payroll');
    await bot.close();
  });

  it('is logged without customer text or parameters, with the cause, in a small line', async () => {
    const secret = `Confidential: our payroll export leaks salaries ${'of every employee '.repeat(200)}`;
    expect((await bot.event(inesWrites(bot.fake, secret, freshTs()))).status).toBe(200);
    const [failed] = await eventually(() => {
      const lines = log.find('slack listener failed');
      expect(lines.length).toBeGreaterThan(0);
      return lines;
    }, 10_000);
    // What was wrong is there: the wrapped chain down to PostgreSQL's own error.
    expect(failed!.line).toContain('23514');
    expect(failed!.line).toContain('refuses_payroll');
    expect(failed!.line).toContain('Failed query: with t as (insert into \\"tickets\\"');
    expect(failed!.line).toContain('violates check constraint');
    for (const line of log.lines) {
      expect(line).not.toContain('payroll export');
      expect(line).not.toContain('salaries');
      expect(line).not.toContain('Inés');
      expect(line).not.toContain('U0INESNW01');
      expect(Buffer.byteLength(line)).toBeLessThan(MAX_LINE_BYTES);
    }
  });
});
