import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config/env.js';
import { FakeSlack } from '../fakes/slack/fake-slack.js';
import { eventCallback, JSON_CONTENT_TYPE, postSigned } from '../fakes/slack/signed-request.js';
import { freshTs, messageEvent } from '../fakes/slack/slack-events.js';
import { EXAMPLE_DIRECTORY } from '../support/app.js';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from '../support/database.js';
import { eventually, PROCESS_DEADLINE_MS } from '../support/eventually.js';

const BIN = resolve(PACKAGE_ROOT, 'bin/tierdesk.js');
const SECRET = '0123456789abcdef0123456789abcdef';
let fake: FakeSlack;
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
    SLACK_BOT_TOKEN: 'xoxb-process-test',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.url,
  };
  delete e.DATABASE_URL;
  delete e.SLACK_APP_TOKEN;
  if (db?.url) e.DATABASE_URL = db.url;
  return e;
}

beforeAll(async () => {
  fake = await FakeSlack.start({ teamId: 'T0VENDOR01', botUserId: 'U0TIERDESK', botId: 'B0TIERDESK' });
  dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-slack-'));
  if (TEST_DB_KIND === 'postgres') db = await createTestDatabase();
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await fake.close();
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe(`npm start with Slack configured (${TEST_DB_KIND})`, () => {
  it('turns a signed message event into a ticket, a thread reply and a card in the queue', {
    timeout: 4 * PROCESS_DEADLINE_MS,
  }, async () => {
    const imported = spawnSync(process.execPath, [BIN, 'import', EXAMPLE_DIRECTORY], {
      env: env(),
      encoding: 'utf8',
    });
    expect(imported.status, imported.stderr).toBe(0);
    child = spawn(process.execPath, [BIN, 'start'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    child.stderr?.on('data', (d) => {
      out += d;
    });
    const port = await eventually(() => {
      const m = /"port":(\d+).*tierdesk ready/.exec(out);
      if (!m) throw new Error(`not ready yet:\n${out}`);
      return Number(m[1]);
    }, PROCESS_DEADLINE_MS);
    expect(out).toContain('slack adapter ready');
    expect(out).not.toContain('xoxb-process-test');
    expect(out).not.toContain(SECRET);

    const ts = freshTs();
    const text = 'Our SSO login fails with a SAML error for every admin';
    fake.addMessage('C0NORTHWND', { ts, user: 'U0INESNW01', text });
    const body = eventCallback({
      teamId: 'T0VENDOR01',
      event: messageEvent({
        channel: 'C0NORTHWND',
        user: 'U0INESNW01',
        text,
        ts,
        team: 'T0NORTHWND',
        user_team: 'T0NORTHWND',
      }),
    });
    const res = await postSigned(`http://127.0.0.1:${port}/slack/events`, body, JSON_CONTENT_TYPE, SECRET);
    expect(res.status).toBe(200);
    await eventually(() => {
      const reply = fake.posted('C0NORTHWND').find((p) => p.message.thread_ts === ts);
      expect(reply?.message.text).toMatch(/ticket #1\. Enterprise · P1 · security — first response due by/);
      expect(fake.posted('C0SECURITY1')).toHaveLength(1);
    }, PROCESS_DEADLINE_MS);
    child.kill('SIGTERM');
    const code = await new Promise((r) => child!.on('exit', r));
    expect(code).toBe(0);
  });
});
