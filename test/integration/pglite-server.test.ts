// The bot's PGlite served to commands on a Unix socket (src/store/pglite-server.ts), with the real
// PGlite, the real @electric-sql/pglite-socket handler and postgres.js as the client. Always PGlite:
// serving the embedded database is what is tested, whatever TEST_DATABASE_URL says.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PgliteServer, servePglite } from '../../src/store/pglite-server.js';
import { eventually } from '../support/eventually.js';

const IDLE_TIMEOUT_MS = 1500;
let dir: string;
let db: PGlite;
let server: PgliteServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tierdesk-serve-'));
  db = await PGlite.create(dir);
  await db.exec('create table t (id serial primary key, who text not null)');
  server = await servePglite(db, dir, IDLE_TIMEOUT_MS);
});
afterAll(async () => {
  await server?.stop();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await db.exec('truncate t');
});

/** A command's connection, as openDatabase makes it. */
const client = () =>
  postgres({
    path: server.path,
    user: 'postgres',
    database: 'postgres',
    max: 1,
    prepare: false,
    onnotice: () => {},
  });

/** ReadyForQuery 'T': the end of an answer that leaves the session inside a transaction. */
const READY_IN_TRANSACTION = Buffer.from([0x5a, 0, 0, 0, 5, 0x54]);

function query(text: string): Buffer {
  const body = Buffer.from(`${text}\0`);
  const head = Buffer.alloc(5);
  head.write('Q');
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

/** A connection speaking the wire protocol by hand, past its start-up message. */
function rawSession() {
  const params = 'user\0postgres\0database\0postgres\0\0';
  const startup = Buffer.alloc(8 + params.length);
  startup.writeInt32BE(startup.length, 0);
  startup.writeInt32BE(196608, 4);
  startup.write(params, 8, 'latin1');
  const socket = connect(server.path);
  socket.on('error', () => {});
  let received = Buffer.alloc(0);
  socket.on('data', (d) => {
    received = Buffer.concat([received, d]);
  });
  socket.write(startup);
  return {
    send: (msg: Buffer) => socket.write(msg),
    answered: (tail: Buffer) =>
      eventually(() => expect(received.subarray(received.length - tail.length)).toEqual(tail), 10_000),
    closed: new Promise<void>((r) => socket.on('close', () => r())),
  };
}

async function rowsBy(): Promise<Record<string, number>> {
  const r = await db.query<{ who: string; n: number }>('select who, count(*)::int as n from t group by who');
  return Object.fromEntries(r.rows.map((x) => [x.who, x.n]));
}

/** The bot's own work meanwhile: single statements and transactions, each as PGlite runs them. */
async function botWrites(until: () => boolean) {
  let n = 0;
  while (!until() || n < 4) {
    await db.query(`insert into t (who) values ('bot')`);
    await db.transaction(async (tx) => {
      await tx.query(`insert into t (who) values ('bot-tx')`);
      await new Promise((r) => setTimeout(r, 2));
      await tx.query(`insert into t (who) values ('bot-tx')`);
    });
    n++;
  }
  return n;
}

describe('the bot serving its PGlite to commands', () => {
  it('keeps a command transaction atomic and apart from the bot writing at the same time', async () => {
    const sql = client();
    let done = false;
    const bot = botWrites(() => done);
    await expect(
      sql.begin(async (tx) => {
        for (let i = 0; i < 5; i++) {
          await tx`insert into t (who) values ('rolled-back')`;
          await new Promise((r) => setTimeout(r, 10));
        }
        throw new Error('the command fails');
      }),
    ).rejects.toThrow('the command fails');
    await sql.begin(async (tx) => {
      for (let i = 0; i < 3; i++) {
        await tx`insert into t (who) values ('committed')`;
        await new Promise((r) => setTimeout(r, 10));
      }
    });
    done = true;
    const rounds = await bot;
    await sql.end();
    // Nothing of the rolled-back transaction, all of the committed one, and every write of the bot.
    expect(await rowsBy()).toEqual({ bot: rounds, 'bot-tx': 2 * rounds, committed: 3 });
    expect(db.isInTransaction()).toBe(false);
  });

  /**
   * A command that has inserted a row inside its transaction and then stops talking; `resume` lets
   * it try one more statement (which fails if its connection is gone), and `outcome` is how its
   * transaction ended.
   */
  function commandInsideTransaction(sql: postgres.Sql) {
    let inside!: () => void;
    let resume!: () => void;
    const began = new Promise<void>((r) => {
      inside = r;
    });
    const resumed = new Promise<void>((r) => {
      resume = r;
    });
    const outcome = sql
      .begin(async (tx) => {
        await tx`insert into t (who) values ('command')`;
        inside();
        await resumed;
        await tx`select 1`;
      })
      .then(
        () => 'committed',
        (e: Error) => `failed: ${e.message}`,
      );
    return { began, resume, outcome };
  }

  it('rolls back what a command that went away left open, and the bot goes on', async () => {
    const sql = client();
    const command = commandInsideTransaction(sql);
    await command.began;
    await sql.end({ timeout: 0 }); // the command's process dies
    command.resume();
    expect(await command.outcome).toMatch(/^failed/);
    await db.query(`insert into t (who) values ('bot')`);
    expect(await rowsBy()).toEqual({ bot: 1 });
    expect(db.isInTransaction()).toBe(false);
  });

  it('drops a command idle inside its transaction, so the bot does not wait for it for ever', async () => {
    // Raw protocol: postgres.js itself throws if a statement is written as the server drops it.
    const command = rawSession();
    command.send(query(`begin; insert into t (who) values ('command')`));
    await command.answered(READY_IN_TRANSACTION);
    const waited = performance.now();
    await db.query(`insert into t (who) values ('bot')`); // waits for the command's transaction
    expect(performance.now() - waited).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS - 100);
    await command.closed;
    expect(await rowsBy()).toEqual({ bot: 1 });
  });

  it('closes a connection that sends a message PGlite cannot take, without harm to the database', async () => {
    const command = rawSession();
    command.send(Buffer.from([0x5a, 0, 0, 0, 4])); // no such message type: PGlite would hang on it
    await command.closed;
    await db.query(`insert into t (who) values ('bot')`);
    expect(await rowsBy()).toEqual({ bot: 1 });
    const sql = client();
    expect(await sql`select count(*)::int as n from t`).toEqual([{ n: 1 }]);
    await sql.end();
  });

  it('serves several commands at once, one transaction at a time', async () => {
    const clients = [client(), client(), client()];
    await Promise.all(
      clients.map((sql, i) =>
        sql.begin(async (tx) => {
          for (let k = 0; k < 4; k++) await tx`insert into t (who) values (${`c${i}`})`;
        }),
      ),
    );
    await eventually(async () => expect(await rowsBy()).toEqual({ c0: 4, c1: 4, c2: 4 }));
    await Promise.all(clients.map((sql) => sql.end()));
  });
});
