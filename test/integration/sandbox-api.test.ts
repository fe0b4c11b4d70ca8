import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxAdapter } from '../../src/adapters/sandbox/sandbox-adapter.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import type { OutboxWorker } from '../../src/jobs/outbox-worker.js';
import type { ChatAdapter } from '../../src/ports/adapter.js';
import { OffsetClock } from '../../src/ports/clock.js';
import { silentLogger } from '../../src/ports/logger.js';
import { SandboxStore } from '../../src/store/sandbox-repo.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TEST_DB_KIND } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { startTestWorker } from '../support/worker.js';

let app: TestApp;
let http: HttpServer;
let base = '';
let worker: OutboxWorker;
const adapters: ChatAdapter[] = [];
let clock: OffsetClock;
let lockedBase = '';
let lockedHttp: HttpServer;

async function serve(controllable: boolean): Promise<[HttpServer, string]> {
  const server = createHttpServer(silentLogger);
  const adapter = createSandboxAdapter(
    { seedFile: null, clockControllable: controllable },
    {
      deps: app.deps,
      sandbox: new SandboxStore(app.db.database.db),
      logger: silentLogger,
      clock,
      wake: () => worker?.wake(),
    },
  );
  adapter.mount(server);
  await adapter.start();
  adapters.push(adapter);
  const port = await server.listen(0, '127.0.0.1');
  return [server, `http://127.0.0.1:${port}`];
}

beforeAll(async () => {
  app = await createTestApp(undefined, { runningClock: true });
  clock = new OffsetClock(0, app.clock);
  app.deps.clock = clock;
  [http, base] = await serve(true);
  [lockedHttp, lockedBase] = await serve(false);
  worker = startTestWorker(app.deps, adapters[0]!.delivery);
});
afterAll(async () => {
  await worker.stop();
  for (const a of adapters) await a.stop();
  await http.close();
  await lockedHttp.close();
  await app.db.drop();
});

async function post(path: string, body: unknown, opts: { base?: string; type?: string } = {}) {
  const res = await fetch(`${opts.base ?? base}/sandbox/api/${path}`, {
    method: 'POST',
    headers: { 'content-type': opts.type ?? 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const state = async () =>
  (await (await fetch(`${base}/sandbox/api/state`)).json()) as {
    messages: Array<{ id: number; channel: string; author: string; text: string; threadId: number | null }>;
    people: Array<{ id: string }>;
    rooms: Array<{ id: string }>;
    queues: Array<{ id: string }>;
  };

describe(`sandbox API (${TEST_DB_KIND})`, () => {
  it('lists the directory: people with sandbox identities, linked rooms and the queues of the policy', async () => {
    const s = await state();
    expect(s.people.map((p) => p.id)).toEqual(expect.arrayContaining(['ines', 'priya', 'jun']));
    expect(s.rooms.map((r) => r.id)).toEqual(['globex-support', 'initech-support', 'northwind-support']);
    expect(s.queues.map((q) => q.id)).toContain('queue-security');
  });

  it('a message is stored once per client id however often the browser retries it, and opens one ticket', async () => {
    const msg = {
      as: 'ines',
      channel: 'northwind-support',
      text: 'Our SSO login fails with a SAML error for every admin',
      clientId: 'retry-test-0001',
    };
    const [a, b] = await Promise.all([post('messages', msg), post('messages', msg)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((a.body.message as { id: number }).id).toBe((b.body.message as { id: number }).id);
    const tickets = await app.rows<{ id: number }>('select id from tickets');
    expect(tickets).toHaveLength(1);
    // The two requests race through the intake; the one that loses has used a ticket number too,
    // so the ticket is not always #1.
    const opened = new RegExp(`this is ticket #${Number(tickets[0]!.id)}\\b`);
    await eventually(async () => {
      const s = await state();
      expect(s.messages.filter((m) => m.text === msg.text)).toHaveLength(1);
      expect(
        s.messages.filter((m) => m.channel === 'queue-security' && m.author === 'tierdesk'),
      ).toHaveLength(1);
      expect(s.messages.some((m) => m.threadId !== null && opened.test(m.text))).toBe(true);
    });
  });

  it("a customer's view holds only their organization's rooms, in the state and in the live stream", async () => {
    const kofi = (await (await fetch(`${base}/sandbox/api/state?as=kofi`)).json()) as Awaited<
      ReturnType<typeof state>
    > & {
      directMessages: unknown[];
    };
    expect(kofi.rooms.map((r) => r.id)).toEqual(['globex-support']);
    expect(kofi.queues).toEqual([]);
    expect(kofi.directMessages).toEqual([]);
    expect(kofi.messages.filter((m) => m.channel !== 'globex-support')).toEqual([]);

    const stream = await fetch(`${base}/sandbox/api/events?as=kofi`);
    const reader = stream.body!.getReader();
    let seen = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        seen += new TextDecoder().decode(value);
      }
    })();
    await post('messages', {
      as: 'ines',
      channel: 'northwind-support',
      text: 'Is anyone there? our export broke',
      clientId: 'iso-00000001',
    });
    await post('messages', {
      as: 'kofi',
      channel: 'globex-support',
      text: 'Shipments API returns 500 errors',
      clientId: 'iso-00000002',
    });
    await eventually(() => expect(seen).toContain('Shipments API returns 500 errors'));
    expect(seen).not.toContain('our export broke');
    expect(seen).not.toContain('queue-');
    await reader.cancel();
    await reading.catch(() => {});

    const intrude = await post('messages', {
      as: 'kofi',
      channel: 'northwind-support',
      text: 'hello from Globex',
      clientId: 'iso-00000003',
    });
    expect(intrude).toMatchObject({ status: 403, body: { error: 'not_your_channel' } });
  });

  it('commands answer only the person who typed them, with the usage when malformed', async () => {
    const show = await post('messages', {
      as: 'kofi',
      channel: 'globex-support',
      text: '/ticket show #1',
      clientId: 'cmd-0000001',
    });
    expect(show.body.ephemeral).toMatchObject({ ok: false });
    const bad = await post('messages', {
      as: 'priya',
      channel: 'queue-security',
      text: '/ticket frobnicate',
      clientId: 'cmd-0000002',
    });
    expect((bad.body.ephemeral as { text: string }).text).toMatch(/usage/i);
    const claim = await post('actions', { as: 'ines', action: 'claim', ticketId: 1 });
    expect(claim.body.ephemeral).toMatchObject({ ok: false, text: expect.stringMatching(/support staff/i) });
  });

  it('bad input gets a 4xx with the reason', async () => {
    expect((await post('messages', 'not json')).status).toBe(400);
    expect((await post('messages', '{}', { type: 'text/plain' })).status).toBe(415);
    const unknown = await post('messages', { as: 'nobody', channel: 'x', text: 'hi', clientId: '12345678' });
    expect(unknown).toMatchObject({ status: 400, body: { error: 'unknown_person' } });
    const channel = await post('messages', {
      as: 'ines',
      channel: 'nowhere',
      text: 'hi',
      clientId: '12345679',
    });
    expect(channel).toMatchObject({ status: 400, body: { error: 'unknown_channel' } });
    const empty = await post('messages', {
      as: 'ines',
      channel: 'northwind-support',
      text: ' ',
      clientId: '12345670',
    });
    expect(empty).toMatchObject({ status: 400, body: { message: 'Type something before sending.' } });
    const dm = await post('messages', { as: 'ines', channel: '@jun', text: 'hello', clientId: '12345671' });
    expect(dm.status).toBe(403);
    expect((await post('clock', { minutes: 0 })).status).toBe(400);
    expect((await post('actions', { as: 'priya', action: 'delete', ticketId: 1 })).status).toBe(400);
  });

  it("errors are sentences for people, never the validation library's wording", async () => {
    const cases: Array<[string, unknown, string]> = [
      ['messages', null, 'The body must be a JSON object.'],
      ['messages', [1, 2], 'The body must be a JSON object.'],
      [
        'messages',
        { as: 5, channel: 'northwind-support', text: 'hi', clientId: '12345678' },
        '"as" must be the sandbox handle of the person acting, e.g. "ines".',
      ],
      [
        'messages',
        { as: 'ines', channel: 'northwind-support', threadId: 1.5, text: 'hi', clientId: '12345678' },
        '"threadId" must be the number of the message that starts the thread, or null.',
      ],
      [
        'messages',
        { as: 'ines', channel: 'northwind-support', text: 'hi', clientId: 'short' },
        '"clientId" must be the id the browser gave this message (8 to 64 characters).',
      ],
      [
        'actions',
        { as: 'priya', action: 'delete', ticketId: 1 },
        '"action" must be one of claim, escalate, resolve, acknowledge, priority.',
      ],
      ['actions', { as: 'priya', action: 'claim', ticketId: '1' }, '"ticketId" must be a ticket number.'],
      ['clock', { minutes: 0 }, 'Fast-forward by at least 1 minute.'],
      ['clock', { minutes: 1.5 }, 'Fast-forward by a whole number of minutes ("minutes").'],
    ];
    for (const [path, body, message] of cases)
      expect(await post(path, JSON.stringify(body))).toMatchObject({
        status: 400,
        body: { error: 'invalid_request', message },
      });
  });

  it('refuses fields it does not know, instead of dropping them', async () => {
    const typo = await post('messages', {
      as: 'ines',
      channel: 'northwind-support',
      threadID: 1,
      text: 'a reply meant for a thread',
      clientId: 'unknown-field-01',
    });
    expect(typo).toMatchObject({
      status: 400,
      body: {
        error: 'invalid_request',
        message: 'Unknown field "threadID": this request takes as, channel, threadId, text and clientId.',
      },
    });
    const action = await post('actions', { as: 'priya', action: 'claim', ticketId: 1, force: true });
    expect(action).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/^Unknown field "force"/) },
    });
    const clock = await post('clock', { minutes: 5, hours: 1 });
    expect(clock).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/^Unknown field "hours"/) },
    });
    expect(
      await app.rows("select id from sandbox_messages where text = 'a reply meant for a thread'"),
    ).toEqual([]);
  });

  it('a reply goes under a message of the same channel that starts a thread; nothing else is stored', async () => {
    const root = await post('messages', {
      as: 'ines',
      channel: 'northwind-support',
      text: 'Webhooks to our ERP stopped arriving',
      clientId: 'thread-root-01',
    });
    const rootId = (root.body.message as { id: number }).id;
    const reply = (
      threadId: number,
      channel = 'northwind-support',
      clientId = `reply-${threadId}-${channel}`,
    ) => post('messages', { as: 'ines', channel, threadId, text: 'any news?', clientId });
    const people = "select id from sandbox_messages where author <> 'tierdesk'"; // the bot's replies come and go
    const before = await app.rows(people);

    expect(await reply(999_999)).toMatchObject({
      status: 400,
      body: { error: 'unknown_thread', message: 'There is no message 999999 to reply to.' },
    });
    const lena = await post('messages', {
      as: 'priya',
      channel: 'queue-enterprise',
      text: 'internal: looking at the ERP webhooks',
      clientId: 'queue-root-0001',
    });
    const queueMessage = (lena.body.message as { id: number }).id;
    const other = await post('messages', {
      as: 'priya',
      channel: 'northwind-support',
      threadId: queueMessage,
      text: 'crossing rooms',
      clientId: 'cross-room-0001',
    });
    expect(other).toMatchObject({
      status: 400,
      body: {
        error: 'thread_not_in_channel',
        message: `Message ${queueMessage} is not in northwind-support: a reply goes in the channel of its thread.`,
      },
    });
    const ok = await reply(rootId);
    expect(ok.status).toBe(200);
    const okId = (ok.body.message as { id: number }).id;
    expect(await reply(okId)).toMatchObject({
      status: 400,
      body: { error: 'not_a_thread', message: expect.stringContaining(`reply to message ${rootId}`) },
    });
    // Only the root, the queue note and the one good reply were stored: no orphans.
    expect((await app.rows(people)).length).toBe(before.length + 2);
    expect(await app.rows("select id from sandbox_messages where text = 'crossing rooms'")).toEqual([]);
  });

  it('takes a message of 40,000 characters, the documented limit, and refuses a longer one with a sentence', async () => {
    const at = (n: number, clientId: string, text = 'x'.repeat(n)) =>
      post('messages', { as: 'ines', channel: 'northwind-support', text, clientId });
    // Multi-byte text at the limit is over 64 KB of JSON: still taken.
    const full = await at(0, 'limit-40000-01', 'é'.repeat(40_000));
    expect(full.status).toBe(200);
    expect((full.body.message as { text: string }).text).toHaveLength(40_000);
    expect(await at(40_001, 'limit-40001-01')).toMatchObject({
      status: 400,
      body: {
        error: 'invalid_request',
        message: 'The message is 40,001 characters long; the limit is 40,000. Shorten it or split it in two.',
      },
    });
  });

  it('stores what a browser sends as safe text: NUL dropped, a lone surrogate replaced', async () => {
    const r = await post('messages', {
      as: 'ines',
      channel: 'northwind-support',
      text: 'Invoices\u0000 fail \ud83d since noon',
      clientId: 'normalise-0001',
    });
    expect(r.status).toBe(200);
    expect((r.body.message as { text: string }).text).toBe('Invoices fail \ufffd since noon');
  });

  it('a card button tells the clicker what it did; /oncall comes back as formatted text, not markup', async () => {
    const opened = await post('messages', {
      as: 'ines',
      channel: 'northwind-support',
      text: 'Reports page throws a 500 since this morning',
      clientId: 'confirm-claim-01',
    });
    expect(opened.status).toBe(200);
    const [t] = await app.rows<{ id: number }>('select id from tickets order by id desc limit 1');
    const claim = await post('actions', { as: 'priya', action: 'claim', ticketId: Number(t!.id) });
    expect(claim.body.ephemeral).toEqual({
      ok: true,
      text: `Ticket #${t!.id} is yours.`,
      ticketId: Number(t!.id),
    });

    const oncall = await post('messages', {
      as: 'priya',
      channel: 'queue-enterprise',
      text: '/oncall',
      clientId: 'oncall-00000001',
    });
    const reply = oncall.body.ephemeral as { ok: boolean; text: string; rich: unknown[] };
    expect(reply.ok).toBe(true);
    expect(reply.text).not.toContain('*');
    expect(reply.text).toMatch(/^sre-primary: \S.* until \w{3} \d{1,2} \w{3} \d\d:\d\d \S+, then /);
    expect(reply.rich[0]).toEqual({ bold: 'sre-primary' });
    expect(reply.rich).toContainEqual({ mention: expect.any(String), name: expect.any(String) });
  });

  it('fast-forward moves the app clock and is kept in the database; refused next to a real platform', async () => {
    const before = app.deps.clock.now();
    const r = await post('clock', { minutes: 30 });
    expect(r.status).toBe(200);
    expect(clock.offsetMs).toBe(30 * 60_000);
    const [row] = await app.rows<{ offset_ms: string }>('select offset_ms from sandbox_clock');
    expect(Number(row?.offset_ms)).toBe(30 * 60_000);
    expect((r.body.now as number) - before).toBeGreaterThanOrEqual(30 * 60_000);
    const locked = await post('clock', { minutes: 30 }, { base: lockedBase });
    expect(locked).toMatchObject({ status: 409, body: { error: 'clock_locked' } });
  });
});
