import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY_FILE,
  DEFAULT_SANDBOX_SEED,
  discordSettings,
  parseEnv,
  slackSettings,
} from '../../../src/config/env.js';

function problemsOf(source: Record<string, string | undefined>): string[] {
  const r = parseEnv(source);
  if (r.ok) throw new Error('expected the environment to be rejected');
  return r.problems;
}

describe('parseEnv', () => {
  it('fills every default from an empty environment', () => {
    const r = parseEnv({});
    expect(r).toEqual({
      ok: true,
      env: {
        TIERDESK_DATA_DIR: '.tierdesk/data',
        TIERDESK_POLICY: DEFAULT_POLICY_FILE,
        TIERDESK_SANDBOX: 'auto',
        TIERDESK_SANDBOX_SEED: DEFAULT_SANDBOX_SEED,
        PORT: 3000,
        LOG_LEVEL: 'info',
        DATABASE_POOL_SIZE: 10,
        DATABASE_PREPARE: true,
        SLACK_CHANNEL_RATE: 1,
        SLACK_INGRESS: 'thread',
        SLACK_INGRESS_WORK_NICE: 10,
      },
    });
  });

  it('takes an optional METRICS_TOKEN, and names a short one without echoing it', () => {
    const token = 'f3e1c0ffee-metrics-7a9b';
    expect(parseEnv({ METRICS_TOKEN: token })).toMatchObject({ ok: true, env: { METRICS_TOKEN: token } });
    const problems = problemsOf({ METRICS_TOKEN: 'short secret' });
    expect(problems).toEqual([
      'METRICS_TOKEN: must be at least 16 printable ASCII characters, without spaces',
    ]);
  });

  it('defaults to a policy file that exists on disk', () => {
    expect(DEFAULT_POLICY_FILE).toMatch(/policy[/\\]example\.yaml$/);
    expect(existsSync(DEFAULT_POLICY_FILE)).toBe(true);
    expect(existsSync(DEFAULT_SANDBOX_SEED)).toBe(true);
  });

  it('names a bad TIERDESK_SANDBOX', () => {
    const r = parseEnv({ TIERDESK_SANDBOX: 'maybe' });
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).toContain('TIERDESK_SANDBOX');
  });

  it('reads given values, coercing numbers', () => {
    const r = parseEnv({
      PORT: '8080',
      LOG_LEVEL: 'debug',
      DATABASE_URL: 'postgresql://u:p@db:5432/tierdesk',
      DATABASE_POOL_SIZE: '4',
      DATABASE_PREPARE: 'false',
    });
    expect(r.ok && r.env).toMatchObject({
      DATABASE_PREPARE: false,
      PORT: 8080,
      LOG_LEVEL: 'debug',
      DATABASE_URL: 'postgresql://u:p@db:5432/tierdesk',
      DATABASE_POOL_SIZE: 4,
    });
    expect(parseEnv({ DATABASE_URL: 'postgres://localhost/x' }).ok).toBe(true);
  });

  it('rejects a PORT that is not a number, naming PORT', () => {
    expect(problemsOf({ PORT: 'abc' })).toEqual(['PORT: must be a port number 0–65535']);
  });

  it('rejects a DATABASE_PREPARE other than true or false, naming it', () => {
    expect(problemsOf({ DATABASE_PREPARE: 'yes' })).toEqual(['DATABASE_PREPARE: must be true or false']);
  });

  it('rejects a PORT out of range and a pool size of 0', () => {
    expect(problemsOf({ PORT: '70000', DATABASE_POOL_SIZE: '0' })).toEqual([
      'PORT: must be a port number 0–65535',
      'DATABASE_POOL_SIZE: must be at least 1',
    ]);
  });

  it('rejects a DATABASE_URL that is not postgres://', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://x' });
    expect(problems).toEqual(['DATABASE_URL: must be a postgres:// or postgresql:// URL']);
  });

  it('rejects an unknown LOG_LEVEL', () => {
    expect(problemsOf({ LOG_LEVEL: 'loud' })).toEqual([
      'LOG_LEVEL: must be one of: fatal, error, warn, info, debug, trace, silent',
    ]);
  });

  it('treats empty strings as unset', () => {
    const r = parseEnv({
      DATABASE_URL: '',
      TIERDESK_DATA_DIR: '',
      TIERDESK_POLICY: '',
      PORT: '',
      HOST: '',
      LOG_LEVEL: '',
      DATABASE_POOL_SIZE: '',
    });
    expect(r).toEqual(parseEnv({}));
    expect(r.ok && r.env.DATABASE_URL).toBeUndefined();
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({ PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT']);
  });

  it('never echoes a value in its problems (they may be secrets)', () => {
    const secret = 'mysql://admin:s3cr3t-Pa55w0rd@db.internal:3306/prod';
    const problems = problemsOf({
      DATABASE_URL: secret,
      PORT: 'port-s3cr3t',
      LOG_LEVEL: 'level-s3cr3t',
      DATABASE_POOL_SIZE: 'pool-s3cr3t',
    });
    expect(problems).toHaveLength(4);
    const text = problems.join('\n');
    for (const leak of [secret, 's3cr3t', 'Pa55w0rd', 'db.internal', 'admin'])
      expect(text).not.toContain(leak);
  });

  it('reads process.env when given no source', () => {
    const saved = process.env.PORT;
    process.env.PORT = '4321';
    try {
      const r = parseEnv();
      expect(r.ok && r.env.PORT).toBe(4321);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });
});

describe('Slack settings', () => {
  const BOT = 'xoxb-1-2-abc';
  const SECRET = '0123456789abcdef0123456789abcdef';

  it('are off when no SLACK_* variable is set', () => {
    const r = parseEnv({});
    expect(r.ok && slackSettings(r.env)).toBe(null);
  });

  it('HTTP mode with token and signing secret; Socket Mode with an app token', () => {
    const http = parseEnv({
      SLACK_BOT_TOKEN: BOT,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: 'http://127.0.0.1:9/api',
    });
    expect(http.ok && slackSettings(http.env)).toEqual({
      mode: 'http',
      botToken: BOT,
      signingSecret: SECRET,
      appToken: null,
      apiUrl: 'http://127.0.0.1:9/api/',
      channelRate: 1,
      ingress: { mode: 'thread', journal: '.tierdesk/data.slack-ingress.journal', workNice: 10 },
    });
    const inline = parseEnv({
      SLACK_BOT_TOKEN: BOT,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_INGRESS: 'inline',
      SLACK_INGRESS_JOURNAL: '/var/lib/tierdesk/slack.journal',
      SLACK_INGRESS_WORK_NICE: '0',
    });
    expect(inline.ok && slackSettings(inline.env)?.ingress).toEqual({
      mode: 'inline',
      journal: '/var/lib/tierdesk/slack.journal',
      workNice: 0,
    });
    expect(JSON.stringify(parseEnv({ SLACK_INGRESS: 'process' }))).toContain('SLACK_INGRESS');
    for (const bad of ['20', '-1', '5.5', 'low'])
      expect(parseEnv({ SLACK_INGRESS_WORK_NICE: bad })).toEqual({
        ok: false,
        problems: [expect.stringMatching(/^SLACK_INGRESS_WORK_NICE: /)],
      });
    const socket = parseEnv({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: 'xapp-1-A1-123-abc' });
    expect(socket.ok && slackSettings(socket.env)?.mode).toBe('socket');
    expect(socket.ok && slackSettings(socket.env)?.ingress).toBeNull();
  });

  it('names each missing or malformed setting and never echoes the secrets', () => {
    const missing = parseEnv({ SLACK_SIGNING_SECRET: SECRET });
    expect(missing.ok ? [] : missing.problems).toEqual([
      'SLACK_BOT_TOKEN: is required when any SLACK_* setting is given',
    ]);
    const noSecret = parseEnv({ SLACK_BOT_TOKEN: BOT });
    expect(noSecret.ok ? [] : noSecret.problems).toEqual([
      'SLACK_SIGNING_SECRET: is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
    ]);
    const bad = parseEnv({
      SLACK_BOT_TOKEN: 'xoxp-user-token-9',
      SLACK_SIGNING_SECRET: 'not hex!',
      SLACK_API_URL: 'ftp://x',
    });
    const problems = bad.ok ? '' : bad.problems.join('\n');
    expect(problems).toMatch(/SLACK_BOT_TOKEN: must be a bot token starting with xoxb-/);
    expect(problems).toMatch(/SLACK_SIGNING_SECRET: must be the app signing secret/);
    expect(problems).toMatch(/SLACK_API_URL: must be an http:\/\/ or https:\/\/ URL/);
    expect(problems).not.toContain('xoxp-user-token-9');
    expect(problems).not.toContain('not hex!');
  });
});

describe('Discord settings', () => {
  const TOKEN = 'MTA5ODc2NTQzMjEwOTg3NjU0Mw.GxYz12.abcdefghijklmnopqrstuvwxyz0123';
  it('are off without DISCORD_* variables, on with token and application id', () => {
    const off = parseEnv({});
    expect(off.ok && discordSettings(off.env)).toBe(null);
    const on = parseEnv({
      DISCORD_BOT_TOKEN: TOKEN,
      DISCORD_APPLICATION_ID: '1098765432109876543',
      DISCORD_API_URL: 'http://127.0.0.1:9/api/',
      DISCORD_STAFF_ROLES: '1100000000000000001, 1100000000000000002',
    });
    expect(on.ok && discordSettings(on.env)).toEqual({
      token: TOKEN,
      applicationId: '1098765432109876543',
      apiUrl: 'http://127.0.0.1:9/api',
      staffRoles: ['1100000000000000001', '1100000000000000002'],
    });
  });

  it('names what is missing or malformed without echoing the token', () => {
    const missing = parseEnv({ DISCORD_BOT_TOKEN: TOKEN });
    expect(missing.ok ? [] : missing.problems).toEqual([
      'DISCORD_APPLICATION_ID: is required when any DISCORD_* setting is given',
    ]);
    const bad = parseEnv({
      DISCORD_BOT_TOKEN: TOKEN,
      DISCORD_APPLICATION_ID: 'app',
      DISCORD_STAFF_ROLES: 'support',
    });
    const text = bad.ok ? '' : bad.problems.join('\n');
    expect(text).toMatch(/DISCORD_APPLICATION_ID: must be a Discord application id/);
    expect(text).toMatch(/DISCORD_STAFF_ROLES: must be role ids/);
    expect(text).not.toContain(TOKEN);
  });
});
