import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/ports/outbound.js';
import { rowsOf } from '../../src/store/sql.js';
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

const to = (channelId: string, key: string, orderingKey = key): OutboundMessage => ({
  ...message(key, orderingKey),
  body: { kind: 'channel_message', channelId, text: key, mentions: [], ticketId: null, inCardThread: false },
});
const dm = (userId: string, key: string): OutboundMessage => ({
  key,
  platform: 'slack',
  orderingKey: key,
  body: { kind: 'direct_message', userId, text: key, ticketId: null, actions: [] },
});

describe(`outbox claims spread over destinations (${TEST_DB_KIND})`, () => {
  it('takes at most so many per destination, oldest first, none for a destination held, leases lengthened by the pace', async () => {
    await store.withoutTransaction((uow) =>
      uow.outbox.enqueue(
        [
          to('C0BUSY0001', 'b1'),
          to('C0BUSY0001', 'b2'),
          to('C0BUSY0001', 'b3'),
          to('C0HELD0001', 'h1'),
          dm('U0JUN00001', 'd1'),
          to('C0QUIET001', 'q1'),
        ],
        null,
        T0,
      ),
    );
    const claimed = await store.withoutTransaction((uow) =>
      uow.outbox.claimDue(['slack'], T0, 10, LEASE, 'normal', {
        perDestination: { slack: { max: 2, spacingMs: 1000 } },
        skip: ['slack:C0HELD0001'],
      }),
    );
    expect(claimed.map((m) => [m.key, m.destination, m.leasedUntil - T0])).toEqual([
      ['b1', 'slack:C0BUSY0001', LEASE + 1000],
      ['b2', 'slack:C0BUSY0001', LEASE + 2000],
      ['d1', 'slack:user:U0JUN00001', LEASE + 1000],
      ['q1', 'slack:C0QUIET001', LEASE + 1000],
    ]);
    // The limit counts over all destinations, oldest first.
    const next = await store.withoutTransaction((uow) =>
      uow.outbox.claimDue(['slack'], T0, 1, LEASE, 'normal', {
        perDestination: { slack: { max: 2, spacingMs: 1000 } },
        skip: [],
      }),
    );
    expect(next.map((m) => m.key)).toEqual(['b3']);
  });

  it('gives back what was not sent as it was before the claim, unless its lease is over', async () => {
    await store.withoutTransaction((uow) =>
      uow.outbox.enqueue([to('C0BUSY0001', 'b1'), to('C0BUSY0001', 'b2')], null, T0),
    );
    const [b1, b2] = await store.withoutTransaction((uow) =>
      uow.outbox.claimDue(['slack'], T0, 10, LEASE, 'normal', {
        perDestination: { slack: { max: 2, spacingMs: 1000 } },
        skip: [],
      }),
    );
    // b1's lease ran out (b2's, a place further in line, did not) and another worker took it: it is
    // no longer this worker's to give back.
    expect((await claim(T0 + LEASE + 1500)).map((m) => [m.key, m.uncertain])).toEqual([['b1', true]]);
    await store.withoutTransaction((uow) => uow.outbox.release([b1!, b2!]));
    const rows = rowsOf(
      await db.database.db.execute(
        sql.raw(
          'select idempotency_key as key, attempts, in_doubt, locked_until is not null as locked from outbox order by id',
        ),
      ),
    );
    expect(rows).toEqual([
      { key: 'b1', attempts: 2, in_doubt: true, locked: true },
      { key: 'b2', attempts: 0, in_doubt: false, locked: false },
    ]);
  });

  it('falls due when the head of a ticket does, not when a message waiting behind it does', async () => {
    await store.withoutTransaction((uow) =>
      uow.outbox.enqueue([message('a1', 'ticket:1'), message('a2', 'ticket:1')], null, T0),
    );
    const [a1] = await claim(T0);
    await store.withoutTransaction((uow) =>
      uow.outbox.markFailed(a1!.id, {
        error: 'transient: x',
        retryAt: T0 + 4_000,
        inDoubt: false,
        dead: false,
      }),
    );
    expect(await store.withoutTransaction((uow) => uow.outbox.nextDueAt(['slack'], 'normal'))).toBe(
      T0 + 4_000,
    );
  });
});
