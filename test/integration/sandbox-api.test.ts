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
    expect(empty).toMatchObject({ status: 400, body: { message: 'text: type something' } });
    const dm = await post('messages', { as: 'ines', channel: '@jun', text: 'hello', clientId: '12345671' });
    expect(dm.status).toBe(403);
    expect((await post('clock', { minutes: 0 })).status).toBe(400);
    expect((await post('actions', { as: 'priya', action: 'delete', ticketId: 1 })).status).toBe(400);
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
