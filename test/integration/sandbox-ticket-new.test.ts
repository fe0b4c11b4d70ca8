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
let adapter: ChatAdapter;
let worker: OutboxWorker;
let base = '';

beforeAll(async () => {
  app = await createTestApp(undefined, { runningClock: true });
  http = createHttpServer(silentLogger);
  adapter = createSandboxAdapter(
    { seedFile: null, clockControllable: false },
    {
      deps: app.deps,
      sandbox: new SandboxStore(app.db.database.db),
      logger: silentLogger,
      clock: new OffsetClock(0, app.clock),
      wake: () => worker?.wake(),
    },
  );
  adapter.mount(http);
  await adapter.start();
  base = `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}`;
  worker = startTestWorker(app.deps, adapter.delivery);
});
afterAll(async () => {
  await worker.stop();
  await adapter.stop();
  await http.close();
  await app.db.drop();
});

interface Message {
  id: number;
  channel: string;
  author: string;
  text: string;
  threadId: number | null;
  ticketId: number | null;
}

async function send(
  as: string,
  channel: string,
  text: string,
  clientId: string,
  threadId: number | null = null,
) {
  const res = await fetch(`${base}/sandbox/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ as, channel, text, clientId, ...(threadId === null ? {} : { threadId }) }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { ephemeral?: { ok: boolean; text: string }; ticket?: string };
}

const messages = async () =>
  ((await (await fetch(`${base}/sandbox/api/state`)).json()) as { messages: Message[] }).messages;

describe(`/ticket new in the sandbox composer (${TEST_DB_KIND})`, () => {
  it("opens a ticket whose thread hangs from the bot's root message; replies there join it", async () => {
    const r = await send(
      'ines',
      'northwind-support',
      '/ticket new Dashboards are slow since this morning',
      'new-0001',
    );
    expect(r.ephemeral).toMatchObject({ ok: true });
    expect(r.ephemeral!.text).toMatch(/^Ticket #1 is open: "Dashboards are slow since this morning"/);
    // The root, then the promise in its thread; the card in the queue.
    const root = await eventually(async () => {
      const m = (await messages()).find((x) => x.author === 'tierdesk' && x.text.startsWith('🎫 Ticket #1'));
      expect(m).toMatchObject({ channel: 'northwind-support', threadId: null, ticketId: 1 });
      return m!;
    }, 20_000);
    await eventually(async () => {
      const inThread = (await messages()).filter((x) => x.threadId === root.id);
      expect(inThread.map((x) => x.text)).toEqual([expect.stringMatching(/^Thanks — this is ticket #1\./)]);
    }, 20_000);
    const [t] = await app.rows<{ origin_thread_ref: string }>('select origin_thread_ref from tickets');
    expect(t!.origin_thread_ref).toBe(String(root.id));
    const added = await send('ines', 'northwind-support', 'It started at 9:00', 'new-0002', root.id);
    expect(added.ticket).toBe('added');
    const [n] = await app.rows<{ n: number }>(
      'select count(*)::int as n from ticket_messages where ticket_id = 1',
    );
    expect(n!.n).toBe(2);
    // A retried send (same client id) opens nothing more; no text is an error with the usage.
    expect(
      (await send('ines', 'northwind-support', '/ticket new Dashboards are slow', 'new-0001')).ephemeral!
        .text,
    ).toBe('Ticket #1 was already opened from this request.');
    const bare = await send('ines', 'northwind-support', '/ticket new', 'new-0003');
    expect(bare.ephemeral).toMatchObject({
      ok: false,
      text: expect.stringMatching(/^new needs the request/),
    });
  });

  it("staff open one for an organization from their DM; its thread is in the organization's room", async () => {
    const r = await send(
      'priya',
      '@priya',
      '/ticket new org="Globex Logistics" Caller says label printing fails',
      'new-0004',
    );
    expect(r.ephemeral).toMatchObject({
      ok: true,
      text: expect.stringMatching(/^Ticket #\d+ is open for Globex Logistics/),
    });
    await eventually(async () => {
      const root = (await messages()).find((x) => x.text.includes('Opened for Globex Logistics'));
      expect(root).toMatchObject({ channel: 'globex-support', threadId: null });
      expect(root!.text).toContain('Opened for Globex Logistics by Priya Raman');
    }, 20_000);
  });
});
