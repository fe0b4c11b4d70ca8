import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/ports/outbound.js';
import { DrizzleStore } from '../../src/store/store.js';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from '../support/database.js';

let db: TestDatabase;
let store: DrizzleStore;
beforeAll(async () => {
  db = await createTestDatabase();
  store = new DrizzleStore(db.database.db);
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.truncate();
});

const T0 = Date.parse('2026-03-02T15:00:00Z');
const LEASE = 15_000;

const message = (key: string, orderingKey: string, priority?: 'urgent'): OutboundMessage => ({
  key,
  platform: 'slack',
  orderingKey,
  ...(priority ? { priority } : {}),
  body: {
    kind: 'channel_message',
    channelId: 'C0QUEUE001',
    text: key,
    mentions: [],
    ticketId: null,
    inCardThread: false,
  },
});

const claim = (now: number, lane: 'urgent' | 'normal' = 'normal') =>
  store.withoutTransaction((uow) => uow.outbox.claimDue(['slack'], now, 10, LEASE, lane));

describe(`outbox claims (${TEST_DB_KIND})`, () => {
  it('leases the head of each ordering key in one statement; a message taken again after its lease is in doubt', async () => {
    await store.withoutTransaction((uow) =>
      uow.outbox.enqueue(
        [
          message('a1', 'ticket:1'),
          message('a2', 'ticket:1'),
          message('b1', 'ticket:2'),
          message('p1', 'page', 'urgent'),
        ],
        null,
        T0,
      ),
    );
    const first = await claim(T0);
    expect(first.map((m) => [m.key, m.attempts, m.uncertain])).toEqual([
      ['a1', 1, false],
      ['b1', 1, false],
    ]);
    // Leased: nobody else takes them, and a1's successor waits behind it.
    expect(await claim(T0 + 1_000)).toEqual([]);
    expect((await claim(T0, 'urgent')).map((m) => m.key)).toEqual(['p1']);
    // The worker died without recording an outcome: after the lease, the retry may have reached Slack.
    const again = await claim(T0 + LEASE + 1);
    expect(again.map((m) => [m.key, m.attempts, m.uncertain])).toEqual([
      ['a1', 2, true],
      ['b1', 2, true],
    ]);
    await store.withoutTransaction((uow) =>
      uow.outbox.markSent(
        again.map((m) => ({ id: m.id, result: { ref: m.key } })),
        T0 + LEASE + 2,
      ),
    );
    expect((await claim(T0 + LEASE + 3)).map((m) => [m.key, m.uncertain])).toEqual([['a2', false]]);
  });
});
