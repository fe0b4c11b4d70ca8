import { createDiscordAdapter } from '../../src/adapters/discord/discord-adapter.js';
import type { OutboxWorker } from '../../src/jobs/outbox-worker.js';
import type { ChatAdapter } from '../../src/ports/adapter.js';
import { type Logger, silentLogger } from '../../src/ports/logger.js';
import { FakeDiscord } from '../fakes/discord/fake-discord.js';
import type { FakeGuild } from '../fakes/discord/payloads.js';
import { createTestApp, type TestApp } from './app.js';
import { startTestWorker } from './worker.js';

/** Ids of the example directory and policy (policy/example*.yaml). */
export const D = {
  guild: '1200000000000000000',
  northwind: '1200000000000000001',
  initech: '1200000000000000003',
  enterpriseQueue: '1300000000000000002',
  securityQueue: '1300000000000000001',
  frontline: '1300000000000000005',
  forum: '1200000000000000009',
  staffRole: '1200000000000000050',
  ines: { id: '1500000000000000001', username: 'ines', global_name: 'Inés' },
  mia: { id: '1500000000000000003', username: 'mia', global_name: 'Mia' },
  kofi: { id: '1500000000000000002', username: 'kofi', global_name: 'Kofi' },
  priya: { id: '1400000000000000001', username: 'priya', global_name: 'Priya' },
  jun: { id: '1400000000000000003', username: 'jun', global_name: 'Jun' },
};

export function vendorGuild(): FakeGuild {
  const text = (id: string, name: string) => ({ id, name, type: 0 });
  return {
    id: D.guild,
    name: 'Vendor support',
    channels: [
      text(D.northwind, 'northwind-support'),
      text(D.initech, 'initech-support'),
      { id: D.forum, name: 'help-forum', type: 15 },
      text(D.securityQueue, 'queue-security'),
      text(D.enterpriseQueue, 'queue-enterprise'),
      text('1300000000000000003', 'queue-product'),
      text('1300000000000000004', 'queue-billing'),
      text(D.frontline, 'queue-frontline'),
    ],
    roles: [{ id: D.staffRole, name: 'Support' }],
    members: [
      { user: D.ines, roles: [] },
      { user: D.mia, roles: [] },
      { user: D.kofi, roles: [] },
      { user: D.priya, roles: [D.staffRole] },
      { user: D.jun, roles: [D.staffRole] },
    ],
  };
}

export interface DiscordBot {
  app: TestApp;
  fake: FakeDiscord;
  adapter: ChatAdapter;
  worker: OutboxWorker;
  drained(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** The real Discord adapter (discord.js gateway client + REST) against a fake Discord. */
export async function startDiscordBot(shared?: { app?: TestApp; logger?: Logger }): Promise<DiscordBot> {
  const fake = await FakeDiscord.start({ guilds: [vendorGuild()], echoOwnMessages: false });
  const app = shared?.app ?? (await createTestApp(undefined, { runningClock: true }));
  let worker: OutboxWorker | null = null;
  const adapter = createDiscordAdapter(
    {
      token: 'test-token',
      applicationId: fake.applicationId,
      apiUrl: fake.apiBase,
      staffRoles: [D.staffRole],
    },
    { deps: app.deps, logger: shared?.logger ?? silentLogger, wake: () => worker?.wake() },
  );
  await adapter.start();
  worker = startTestWorker(app.deps, adapter.delivery);
  return {
    app,
    fake,
    adapter,
    worker,
    async drained(timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const [row] = await app.rows<{ n: string }>(
          "select count(*) as n from outbox where status = 'pending' and platform = 'discord'",
        );
        if (Number(row!.n) === 0) return;
        if (Date.now() > end) throw new Error('outbox not drained');
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      await worker?.stop();
      await adapter.stop();
      await fake.close();
      if (!shared?.app) await app.db.drop();
    },
  };
}
