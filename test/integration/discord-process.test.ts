import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config/env.js';
import { FakeDiscord } from '../fakes/discord/fake-discord.js';
import { malformedDispatches } from '../fakes/discord/malformed.js';
import { EXAMPLE_DIRECTORY } from '../support/app.js';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from '../support/database.js';
import { D, vendorGuild } from '../support/discord-bot.js';
import { eventually, PROCESS_DEADLINE_MS } from '../support/eventually.js';

const BIN = resolve(PACKAGE_ROOT, 'bin/tierdesk.js');
let fake: FakeDiscord;
let dataDir: string;
let db: TestDatabase | undefined;
let child: ChildProcess | undefined;

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    TIERDESK_DATA_DIR: dataDir,
    DISCORD_BOT_TOKEN: 'discord-process-test-token-0123456789',
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_API_URL: fake.apiBase,
  };
  for (const k of ['DATABASE_URL', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN']) delete e[k];
  if (db?.url) e.DATABASE_URL = db.url;
  return e;
}

const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, [BIN, ...args], { env: env(), encoding: 'utf8' });

beforeAll(async () => {
  fake = await FakeDiscord.start({ guilds: [vendorGuild()], echoOwnMessages: false });
  dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-discord-'));
  if (TEST_DB_KIND === 'postgres') db = await createTestDatabase();
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await fake.close();
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe(`npm start with Discord configured (${TEST_DB_KIND})`, () => {
  it('deploys the commands and turns a Discord message into a routed ticket with a card', {
    timeout: 5 * PROCESS_DEADLINE_MS,
  }, async () => {
    // Asynchronously: the fake Discord answers from this process's event loop.
    await run('import', EXAMPLE_DIRECTORY);
    const deploy = await run('discord', 'deploy-commands', '--guild', D.guild);
    expect(deploy.stdout).toContain(`registered /ticket, /support, /oncall in guild ${D.guild}`);
    expect(deploy.stdout).toContain(
      `invite the bot with: https://discord.com/oauth2/authorize?client_id=${fake.applicationId}&scope=bot+applications.commands&permissions=309237730368`,
    );
    child = spawn(process.execPath, [BIN, 'start'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    child.stderr?.on('data', (d) => {
      out += d;
    });
    await eventually(() => expect(out).toContain('tierdesk ready'), PROCESS_DEADLINE_MS);
    expect(out).toContain('discord adapter ready');
    expect(out).not.toContain('discord-process-test-token');
    // A gateway that breaks Discord's shapes first: the process logs each odd dispatch and goes on.
    const stored = fake.messageCreate({ channelId: D.northwind, author: D.ines, content: 'thanks!' });
    const odd = malformedDispatches(fake.state, {
      channelId: D.northwind,
      user: D.ines,
      messageId: String(stored.id),
    });
    for (const c of odd) fake.dispatchRaw(c.t, c.d);
    await eventually(() => {
      expect(child?.exitCode, out.slice(-1500)).toBeNull();
      expect(out.match(/discord gateway event dropped/g)?.length).toBe(odd.length);
    }, 15_000);
    expect(out).not.toContain('canary-customer-text');
    // Broken below the dispatches, where discord.js's own gateway code fails (in a promise nobody
    // awaits): a READY, HELLO or INVALID_SESSION without data, text that is not JSON.
    const frames = [
      '{"op":0,"s":null,"t":"READY","d":null}',
      '{"op":10,"s":null,"t":null,"d":null}',
      '{"op":9,"s":null,"t":null,"d":null}',
      'not json at all',
    ];
    for (const f of frames) fake.gateway.sendFrame(f);
    await eventually(() => {
      expect(child?.exitCode, out.slice(-1500)).toBeNull();
      // discord.js ignores text that is not JSON; each of the other three rejects once.
      expect(out.match(/unhandled rejection/g)?.length).toBe(3);
    }, 15_000);
    fake.messageCreate({
      channelId: D.northwind,
      author: D.ines,
      content: 'Our SSO login fails with a SAML error for every admin',
    });
    await eventually(() => {
      const card = fake.messagesIn(D.securityQueue).find((m) => (m.embeds as unknown[] | undefined)?.length);
      expect((card?.embeds as Array<{ title: string }> | undefined)?.[0]?.title).toBe(
        '#1 · Enterprise · P1 · security',
      );
    }, PROCESS_DEADLINE_MS);
    child.kill('SIGTERM');
    expect(await new Promise((r) => child!.on('exit', r))).toBe(0);
  });
});
