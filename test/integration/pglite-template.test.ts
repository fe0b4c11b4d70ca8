import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../src/config/env.js';
import { openDatabase } from '../../src/store/db.js';
import { pgliteTemplateDir, preparePgliteTemplate, seedDataDir } from '../../src/store/pglite-template.js';
import { rowsOf } from '../../src/store/sql.js';

/** The migrated tables a data folder holds (none in a fresh cluster). */
async function tablesIn(dataDir: string): Promise<string[]> {
  const database = await openDatabase({ dataDir, pgliteTemplate: null });
  try {
    const r = await database.db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    return rowsOf<{ table_name: string }>(r).map((t) => t.table_name);
  } finally {
    await database.close();
  }
}

describe('the embedded database template (a first start without initdb)', () => {
  let root: string;
  let template: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tierdesk-template-'));
    template = join(root, 'template');
    expect(await preparePgliteTemplate(template)).toBe('created');
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is made once, in place, with nothing left beside it', async () => {
    expect(existsSync(join(template, 'PG_VERSION'))).toBe(true);
    expect(await preparePgliteTemplate(template)).toBe('present');
    expect(readdirSync(root)).toEqual(['template']);
  });

  it('is keyed by the installed PGlite version, in the package cache', () => {
    expect(pgliteTemplateDir('/srv/tierdesk')).toMatch(
      /^\/srv\/tierdesk\/node_modules\/\.cache\/tierdesk\/pglite-\d+\.\d+\.\d+/,
    );
  });

  it('seeds a missing data folder that then migrates and keeps its data, the template untouched', async () => {
    const a = join(root, 'a', 'data');
    const database = await openDatabase({ dataDir: a, pgliteTemplate: template });
    try {
      await database.migrate(MIGRATIONS_DIR);
    } finally {
      await database.close();
    }
    expect(await tablesIn(a)).toContain('tickets');
    // A second folder from the same template starts empty: the first one's copy was its own.
    const b = join(root, 'b');
    expect(seedDataDir(b, template)).toBe(true);
    expect(await tablesIn(b)).toEqual([]);
    expect(readdirSync(join(root, 'a'))).toEqual(['data']); // no copy left beside it
  }, 60_000);

  it('seeds an empty data folder, and leaves any folder with something in it alone', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    expect(seedDataDir(empty, template)).toBe(true);
    expect(existsSync(join(empty, 'PG_VERSION'))).toBe(true);
    expect(seedDataDir(empty, template)).toBe(false); // a cluster already

    const other = join(root, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'not a database');
    expect(seedDataDir(other, template)).toBe(false);
    expect(readdirSync(other)).toEqual(['notes.txt']);
  });

  it('does nothing without a template, so the start runs initdb itself', () => {
    const c = join(root, 'c');
    expect(seedDataDir(c, null)).toBe(false);
    expect(seedDataDir(c, join(root, 'no-such-template'))).toBe(false);
    expect(existsSync(c)).toBe(false);
  });
});
