import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config/env.js';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from '../support/database.js';
import { eventually } from '../support/eventually.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REQUIRED = process.env.TIERDESK_REQUIRE_BROWSER === '1';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) {
  if (REQUIRED) throw new Error(`TIERDESK_REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM}`);
  console.info(
    `sandbox browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`,
  );
}

const BIN = resolve(PACKAGE_ROOT, 'bin/tierdesk.js');
const SHOTS = resolve(PACKAGE_ROOT, 'test-artifacts', 'sandbox', TEST_DB_KIND);

let bot: ChildProcess | undefined;
let browser: Browser | undefined;
let page: Page;
let url = '';
let dataDir = '';
let db: TestDatabase | undefined;
let log = '';

/** `npm start` as a newcomer runs it: no platform tokens, the example policy, the seed. */
async function startBot() {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };
  for (const k of Object.keys(env)) if (/^(SLACK|DISCORD)_|^DATABASE_URL$|^TIERDESK_/.test(k)) delete env[k];
  env.TIERDESK_DATA_DIR = dataDir;
  if (db?.url) env.DATABASE_URL = db.url;
  bot = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  bot.stdout?.on('data', (d) => {
    log += d;
  });
  bot.stderr?.on('data', (d) => {
    log += d;
  });
  const port = await eventually(
    () => {
      if (bot?.exitCode !== null) throw new Error(`bot exited:\n${log}`);
      const m = /tierdesk ready on http:\/\/localhost:(\d+)/.exec(log);
      if (!m) throw new Error(`not ready:\n${log}`);
      return m[1];
    },
    45_000,
    50,
  );
  url = `http://127.0.0.1:${port}/`;
}

let shot = 0;
async function screenshot(name: string) {
  shot += 1;
  await page.screenshot({
    path: join(SHOTS, `${String(shot).padStart(2, '0')}-${name}.png`),
    fullPage: true,
  });
}

async function actAs(person: string) {
  await page.selectOption('#persona', person);
  await page.waitForSelector(`body[data-persona="${person}"]`);
}

async function openChannel(id: string) {
  await page.click(`#sidebar [data-channel="${id}"]`);
  await page.waitForSelector(`#channel-title:text-is("# ${id}")`);
}

async function write(text: string, composer = '#composer') {
  await page.fill(`${composer} textarea`, text);
  await page.click(`${composer} button[type=submit]`);
}

const card = (id: number) => page.locator(`#messages [data-card="${id}"]`);

beforeAll(async () => {
  if (!haveBrowser) return;
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-sandbox-'));
  if (TEST_DB_KIND === 'postgres') db = await createTestDatabase();
  await startBot();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(15_000);
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
}, 90_000);

afterAll(async () => {
  await browser?.close();
  bot?.kill('SIGTERM');
  if (bot && bot.exitCode === null) await new Promise((r) => bot?.once('exit', r));
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!haveBrowser)(`the sandbox in a real browser (${TEST_DB_KIND})`, () => {
  it('a customer message becomes a routed card with a live countdown, claimed and answered by an agent', {
    timeout: 90_000,
  }, async () => {
    expect(log).toContain('sandbox: open http://localhost:');
    await actAs('ines');
    await openChannel('northwind-support');
    // A customer sees only the rooms of their own organization: no queues, no other customers, no DMs.
    expect(
      await page.locator('#sidebar [data-channel]').evaluateAll((els) => els.map((e) => e.dataset.channel)),
    ).toEqual(['northwind-support']);
    await write('Dashboards are slow, queries time out after 30s since this morning');
    await page.waitForSelector('#messages .msg >> text=Dashboards are slow');
    await page.waitForSelector('#messages [data-open-thread]:text("1 reply")');
    await screenshot('customer-writes');

    await actAs('priya');
    await openChannel('queue-enterprise');
    await card(1).waitFor();
    await expect
      .poll(() => card(1).locator('.card-title').textContent())
      .toBe('#1 · Enterprise · P3 · performance');
    const countdown = card(1).locator('[data-kind="first_response"]');
    const before = await countdown.textContent();
    expect(before).toMatch(/^First response: due in \d+ h \d+ min$|^First response: due in \d+ min \d+ s$/);
    await screenshot('card-in-queue');

    await card(1).locator('button[data-action="claim"]').click();
    await expect.poll(() => card(1).locator('[data-field="assignee"]').textContent()).toBe('Priya Raman');
    // The clicker is told; the card offers Claim no more.
    await page.waitForSelector('#channel-ephemeral .ephemeral.ok >> text=Ticket #1 is yours.');
    await expect.poll(() => card(1).locator('button[data-action="claim"]').count()).toBe(0);
    await screenshot('claimed');

    await actAs('kofi'); // another organization: Inés's ticket is nowhere in Kofi's view
    await expect.poll(() => page.locator('#messages').textContent()).not.toContain('Dashboards are slow');
    await actAs('priya');
    await openChannel('queue-enterprise');
    await card(1).locator('[data-open-customer-thread]').click();
    await page.waitForSelector('#thread:not([hidden]) >> text=Dashboards are slow');
    await write(
      'Looking at it now: a slow query plan on your cluster. Update within the hour.',
      '#thread-composer',
    );
    await page.waitForSelector('#thread-messages >> text=Looking at it now');
    await screenshot('agent-replies-in-thread');

    await openChannel('queue-enterprise');
    await expect.poll(() => countdown.textContent(), { timeout: 15_000 }).toBe('First response: met');
    await screenshot('first-response-met');
  });

  it('a P1 nobody answers pages the on-call engineer by DM after a fast-forward; Acknowledge stops it', {
    timeout: 90_000,
  }, async () => {
    await actAs('ines');
    await openChannel('northwind-support');
    await write('Production down: payments api outage for all customers');
    await actAs('priya');
    await openChannel('queue-enterprise');
    await card(2).waitFor();
    await expect
      .poll(() => card(2).locator('.card-title').textContent())
      .toBe('#2 · Enterprise · P1 · integrations');
    await screenshot('p1-card');

    await page.fill('#ff-minutes', '20');
    await page.click('#ff-go');
    await expect
      .poll(() => card(2).locator('[data-kind="first_response"]').textContent())
      .toMatch(/^First response: breached/);
    // Whoever is on call this week (the rotation follows the real calendar) gets the page.
    const dm = page.locator('#sidebar [data-channel^="@"]:has(.badge)').first();
    await dm.waitFor();
    const channel = (await dm.getAttribute('data-channel'))!;
    await dm.click();
    const pageMsg = page.locator('#messages .msg', {
      hasText: '🚨 Page for Primary on-call: #2 Enterprise P1',
    });
    await pageMsg.waitFor();
    await screenshot('on-call-dm');
    await openChannel('queue-enterprise');
    await expect
      .poll(() => card(2).locator('[data-field="escalation"]').textContent())
      .toMatch(/^paging level 1/);
    await page.click(`#sidebar [data-channel="${channel}"]`);

    await actAs(channel.slice(1));
    const ack = pageMsg.locator('button[data-action="acknowledge"]');
    // The button can be read: its text is not the colour of its background.
    const colours = await ack.evaluate((b) => {
      const style = b.ownerDocument.defaultView!.getComputedStyle(b);
      return { text: style.color, background: style.backgroundColor };
    });
    expect(colours.text).not.toBe(colours.background);
    expect(colours.background).not.toBe('rgb(255, 255, 255)');
    await ack.click();
    // The page says who acknowledged it and when, in place of the button.
    const done = pageMsg.locator('.acknowledged');
    await expect.poll(() => done.textContent()).toMatch(/^✅ acknowledged by .+ \d\d:\d\d \S+$/);
    expect(await pageMsg.locator('button[data-action="acknowledge"]').count()).toBe(0);
    await screenshot('page-acknowledged');
    await openChannel('queue-enterprise');
    await page.waitForSelector('#messages >> text=acknowledged the page for #2');
    await expect
      .poll(() => card(2).locator('[data-field="escalation"]').textContent())
      .toMatch(/^acknowledged by .+ \d\d:\d\d \S+$/);
    await screenshot('acknowledged');
  });

  it('an error is a sentence and goes at the next send that works; /oncall is formatted, times are 24-hour', {
    timeout: 60_000,
  }, async () => {
    await actAs('priya');
    await openChannel('queue-enterprise');
    await write('x'.repeat(40_001));
    const refused = page.locator('#channel-ephemeral .ephemeral.refused');
    await expect
      .poll(() => refused.locator('pre').textContent())
      .toBe('The message is 40,001 characters long; the limit is 40,000. Shorten it or split it in two.');
    expect(await page.inputValue('#composer textarea')).toHaveLength(40_001); // nothing typed is lost
    await write('Heads-up: looking at the queue backlog now');
    await page.waitForSelector('#messages .msg >> text=Heads-up: looking at the queue backlog now');
    await expect.poll(() => page.locator('#channel-ephemeral .ephemeral').count()).toBe(0);

    await write('/oncall');
    const oncall = page.locator('#channel-ephemeral .ephemeral.ok pre');
    await expect.poll(() => oncall.locator('strong').first().textContent()).toBe('sre-primary');
    expect(await oncall.textContent()).not.toContain('*');
    const times = await page.locator('#messages .msg time').allTextContents();
    expect(times.length).toBeGreaterThan(0);
    for (const t of times) expect(t).toMatch(/^(\w{3} \d{1,2} \w{3} )?\d\d:\d\d \S+$/);
    expect(await page.locator('#clock-now').textContent()).toMatch(/^\w{3} \d{1,2} \w{3} \d\d:\d\d \S+$/);
    await screenshot('error-cleared-oncall');
  });
});
