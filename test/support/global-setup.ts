/**
 * Once per test run, before any test file starts, what each file would otherwise make for itself:
 * - the compiled bot (bin/build.js, dist/<fingerprint>/): every `tierdesk` command a process test
 *   starts runs it, instead of each of the first ones compiling src/ with esbuild at once;
 * - a migrated database to copy: on PGlite a dump of a migrated cluster, which each file loads
 *   into memory (0.3–1 s) instead of running initdb and every migration (3–6 s on two busy cores);
 *   on PostgreSQL a migrated template database that each file's own is created from.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { compiledEntry } from '../../bin/build.js';
import { MIGRATIONS_DIR } from '../../src/config/env.js';
import { openDatabase } from '../../src/store/db.js';
import { pgliteTemplateDir, seedDataDir } from '../../src/store/pglite-template.js';

// As in database.ts, which is not imported here: it belongs to the test workers (vitest's inject).
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    /** PGlite runs: a tarball of a migrated cluster (PGlite's dumpDataDir), for `loadDataDir`. */
    testDatabaseDump: string;
    /** PostgreSQL runs: the migrated database each file's own database is created from. */
    testDatabaseTemplate: string;
  }
}

/** A migrated PGlite cluster, dumped to a file; started from the installed empty cluster when there is one. */
async function pgliteDump(dir: string): Promise<string> {
  const dataDir = join(dir, 'cluster');
  seedDataDir(dataDir, pgliteTemplateDir());
  const [{ PGlite }, { drizzle }, { migrate }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  const client = await PGlite.create(dataDir);
  try {
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
    const dump = await client.dumpDataDir('none');
    const file = join(dir, 'migrated.tar');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    return file;
  } finally {
    await client.close();
  }
}

/** A migrated PostgreSQL database to serve as `CREATE DATABASE … TEMPLATE`; returns its name and a drop. */
async function postgresTemplate(serverUrl: string): Promise<{ name: string; drop: () => Promise<void> }> {
  const postgres = (await import('postgres')).default;
  const name = `tierdesk_template_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 1 });
  try {
    await database.migrate(MIGRATIONS_DIR);
  } finally {
    await database.close(); // a template may have no connection while it is copied
  }
  return {
    name,
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'tierdesk-test-run-'));
  const [, template] = await Promise.all([
    compiledEntry(),
    TEST_DATABASE_URL ? postgresTemplate(TEST_DATABASE_URL) : pgliteDump(dir),
  ]);
  if (typeof template === 'string') project.provide('testDatabaseDump', template);
  else project.provide('testDatabaseTemplate', template.name);
  return async () => {
    if (typeof template !== 'string') await template.drop();
    rmSync(dir, { recursive: true, force: true });
  };
}
