import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config/env.js';
import { targetBuckets } from '../../src/metrics/buckets.js';
import {
  eventCallback,
  FORM_CONTENT_TYPE,
  JSON_CONTENT_TYPE,
  postSigned,
  slashCommand,
} from '../fakes/slack/signed-request.js';
import { freshTs, messageEvent } from '../fakes/slack/slack-events.js';
import { EXAMPLE_DIRECTORY, examplePolicy } from '../support/app.js';
import {
  type BotProcess,
  botProcessEnv,
  botProcessFixture,
  isPageCall,
  startBotProcess,
} from '../support/bot-process.js';
import { TEST_DB_KIND } from '../support/database.js';
import { eventually, PROCESS_DEADLINE_MS } from '../support/eventually.js';
import { Scrape } from '../support/prometheus.js';

const BIN = resolve(PACKAGE_ROOT, 'bin/tierdesk.js');
const SECRET = '0123456789abcdef0123456789abcdef'; // botProcessEnv's signing secret
const TOKEN = 'metrics-token-0123456789';
const ENTERPRISE_P1 = { tier: 'enterprise', priority: 'P1', platform: 'slack' };
/** The only labels tierdesk's own metrics may carry: bounded sets, never who or which customer. */
const BOUNDED_LABELS = new Set(['tier', 'priority', 'platform', 'clock', 'scale', 'le']);
/** What must never show in a label: organizations, people, their platform ids, channels. */
const IDENTIFYING = [
  'Northwind Bank',
  'northwind',
  'priya',
  'ines.northwind',
  'U0PRIYA001',
  'U0INESNW01',
  'T0NORTHWND',
  'C0NORTHWND',
];

function portOf(bot: BotProcess): number {
  const m = /"port":(\d+).*tierdesk ready/.exec(bot.output());
  if (!m) throw new Error(`no port in:\n${bot.output()}`);
  return Number(m[1]);
}

describe.each(['thread', 'inline'] as const)(`GET /metrics, SLACK_INGRESS=%s (${TEST_DB_KIND})`, (mode) => {
  const f = botProcessFixture();

  it('serves the Prometheus text format behind the token, and its figures move with tickets', {
    timeout: 4 * PROCESS_DEADLINE_MS,
  }, async () => {
    const env = botProcessEnv({ fake: f.fake, dataDir: f.dataDir, databaseUrl: f.db?.url });
    const imported = spawnSync(process.execPath, [BIN, 'import', EXAMPLE_DIRECTORY], {
      env,
      encoding: 'utf8',
    });
    expect(imported.status, imported.stderr).toBe(0);
    const bot = await startBotProcess({
      fake: f.fake,
      dataDir: f.dataDir,
      databaseUrl: f.db?.url,
      env: { SLACK_INGRESS: mode, METRICS_TOKEN: TOKEN },
    });
    f.bots.push(bot);
    const base = `http://127.0.0.1:${portOf(bot)}`;
    const get = (authorization?: string) =>
      fetch(`${base}/metrics`, authorization ? { headers: { authorization } } : {});
    const scrape = async () => {
      const res = await get(`Bearer ${TOKEN}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      return new Scrape(await res.text());
    };

    // The token: nothing without it, nor with a wrong one of the same length, nor another scheme.
    for (const auth of [undefined, `Bearer ${TOKEN.replace(/.$/, 'x')}`, 'Bearer short', `Basic ${TOKEN}`]) {
      const res = await get(auth);
      expect(res.status, String(auth)).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(await res.text()).not.toContain('tierdesk_');
    }
    expect((await get(`bearer ${TOKEN}`)).status).toBe(200); // the scheme is case-insensitive

    const before = await scrape();
    expect(before.value('tierdesk_tickets_opened_total', ENTERPRISE_P1)).toBe(0);
    // Process and Node.js default metrics.
    expect(before.family('process_cpu_user_seconds_total').type).toBe('COUNTER');
    expect(before.family('nodejs_heap_size_used_bytes').type).toBe('GAUGE');

    await customerWritesAndStaffWorks(f.fake, base);

    const after = await eventually(async () => {
      const s = await scrape();
      expect(s.value('tierdesk_tickets_opened_total', { tier: 'enterprise' })).toBe(1);
      expect(s.histogram('tierdesk_resolution_business_seconds', ENTERPRISE_P1).count).toBe(1);
      return s;
    }, PROCESS_DEADLINE_MS);

    // First response within the 15-minute target: the bucket at the target holds it.
    const fr = after.histogram('tierdesk_first_response_business_seconds', ENTERPRISE_P1);
    expect(fr.count).toBe(1);
    expect(fr.buckets['900']).toBe(1);
    // The bounds are the tiers' targets, in seconds.
    const policy = examplePolicy();
    const bounds = (b: Record<string, number>) =>
      Object.keys(b)
        .filter((le) => le !== '+Inf')
        .map(Number);
    expect(bounds(fr.buckets).sort((a, b) => a - b)).toEqual(
      targetBuckets(policy, (t) => t.firstResponseMinutes),
    );
    expect(
      bounds(after.histogram('tierdesk_resolution_business_seconds', ENTERPRISE_P1).buckets).sort(
        (a, b) => a - b,
      ),
    ).toEqual(targetBuckets(policy, (t) => t.resolutionMinutes));
    expect(after.histogram('tierdesk_time_to_acknowledge_seconds', ENTERPRISE_P1).count).toBe(1);
    expect(after.value('tierdesk_pages_sent_total', ENTERPRISE_P1)).toBeGreaterThanOrEqual(1);
    expect(after.value('tierdesk_pages_acknowledged_total', ENTERPRISE_P1)).toBe(1);
    expect(after.histogram('tierdesk_sla_tick_duration_seconds').count).toBeGreaterThan(0);
    expect(after.family('tierdesk_outbox_pending_messages').type).toBe('GAUGE');
    expect(after.sample('tierdesk_outbox_oldest_pending_age_seconds', { platform: 'slack' })).toBeDefined();

    // Bounded labels only; no organization, person or channel anywhere in the scrape.
    expect([...after.labelNames('tierdesk_')].filter((l) => !BOUNDED_LABELS.has(l))).toEqual([]);
    const values = after.labelValues();
    expect(IDENTIFYING.filter((v) => values.has(v))).toEqual([]);
    expect(bot.child.exitCode, bot.output()).toBeNull();
  });
});

/**
 * Inés opens a P1; Priya escalates it (a page), acknowledges the page, answers in the thread and
 * resolves it — through the bot's Slack endpoint, as Slack would send each.
 */
async function customerWritesAndStaffWorks(fake: ReturnType<typeof botProcessFixture>['fake'], base: string) {
  const events = `${base}/slack/events`;
  const ts = freshTs();
  const text = 'Production down: payments api outage for all customers';
  fake.addMessage('C0NORTHWND', { ts, user: 'U0INESNW01', text, team: 'T0NORTHWND' });
  const opened = eventCallback({
    teamId: 'T0VENDOR01',
    event: messageEvent({ channel: 'C0NORTHWND', user: 'U0INESNW01', text, ts, user_team: 'T0NORTHWND' }),
  });
  expect((await postSigned(events, opened, JSON_CONTENT_TYPE, SECRET)).status).toBe(200);
  await eventually(() => {
    expect(fake.posted('C0NORTHWND').some((p) => p.message.thread_ts === ts)).toBe(true);
  }, PROCESS_DEADLINE_MS);

  let seq = 0;
  const priya = async (commandText: string) => {
    const id = `metrics-${++seq}`;
    const body = slashCommand({
      command: '/ticket',
      text: commandText,
      userId: 'U0PRIYA001',
      teamId: 'T0VENDOR01',
      channelId: 'C0SECURITY1',
      responseUrl: fake.responseUrl(id),
    });
    expect((await postSigned(events, body, FORM_CONTENT_TYPE, SECRET)).status).toBe(200);
    return fake.waitForResponse((r) => r.id === id, PROCESS_DEADLINE_MS);
  };
  await priya('escalate #1');
  await eventually(
    () => expect(fake.callsTo('chat.postMessage').some(isPageCall)).toBe(true),
    PROCESS_DEADLINE_MS,
  );
  await priya('ack #1');

  const replyTs = freshTs();
  fake.addMessage('C0NORTHWND', { ts: replyTs, user: 'U0PRIYA001', text: 'On it', thread_ts: ts });
  const reply = eventCallback({
    teamId: 'T0VENDOR01',
    event: messageEvent({
      channel: 'C0NORTHWND',
      user: 'U0PRIYA001',
      text: 'On it',
      ts: replyTs,
      thread_ts: ts,
      team: 'T0VENDOR01',
    }),
  });
  expect((await postSigned(events, reply, JSON_CONTENT_TYPE, SECRET)).status).toBe(200);
  await eventually(
    () => expect(fake.posted('C0NORTHWND').some((p) => /next update/i.test(p.message.text ?? ''))).toBe(true),
    PROCESS_DEADLINE_MS,
  );
  await priya('resolve #1 fixed');
}
