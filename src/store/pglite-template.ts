/**
 * The embedded database's first start without initdb. Initialising an empty PGlite cluster
 * (PostgreSQL's initdb, in WebAssembly) takes 2.5–3 s on a two-core machine, most of a first
 * `npm start`. `npm install` runs `tierdesk prepare`, which initialises one empty cluster into the
 * package's cache folder, keyed by PGlite's version. A first start then copies it into the empty
 * data folder (about 0.1 s) and PGlite resumes it as it would any existing data folder (about
 * 0.4 s). Every migration still runs at that first start. Without the template (install scripts
 * skipped, cache cleared, another PGlite version) the start runs initdb itself, as before.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PACKAGE_ROOT } from '../config/env.js';

const isCluster = (dir: string) => existsSync(join(dir, 'PG_VERSION'));

function pgliteVersion(): string {
  // The package exports no package.json; its main entry sits in dist/, one below it.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  return (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string })
    .version;
}

/** Where `tierdesk prepare` keeps the initialised cluster for the installed PGlite. */
export function pgliteTemplateDir(root = PACKAGE_ROOT): string {
  return join(root, 'node_modules', '.cache', 'tierdesk', `pglite-${pgliteVersion()}`);
}

/**
 * Initialises an empty cluster in `dir` unless one is there. Built beside it and renamed into
 * place, so a crash or a concurrent install never leaves half a cluster where a start would use it.
 */
export async function preparePgliteTemplate(dir: string): Promise<'created' | 'present'> {
  if (isCluster(dir)) return 'present';
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    // The same options as openDatabase's, so the cluster is the one a start would have made.
    const client = await PGlite.create(building);
    await client.close(); // a clean shutdown: the copy needs no recovery
    renameSync(building, dir);
    return 'created';
  } catch (err) {
    rmSync(building, { recursive: true, force: true });
    if (isCluster(dir)) return 'present'; // another install finished first
    throw err;
  }
}

/**
 * Fills a missing or empty data folder with a copy of the template; true if it did. A folder that
 * holds anything is left alone (an existing database, or something PGlite should refuse loudly).
 * The copy is made beside the folder and renamed onto it, so a start that dies while copying
 * leaves no partial cluster behind.
 */
export function seedDataDir(dataDir: string, templateDir: string | null): boolean {
  if (!templateDir || !isCluster(templateDir)) return false;
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) return false;
  const copying = `${dataDir.replace(/\/+$/, '')}.seeding-${process.pid}`;
  rmSync(copying, { recursive: true, force: true });
  try {
    cpSync(templateDir, copying, { recursive: true });
    if (existsSync(dataDir)) rmdirSync(dataDir); // empty, checked above; rmdir refuses otherwise
    renameSync(copying, dataDir);
    return true;
  } catch {
    // Another start seeded it first, or the copy failed: PGlite resumes or initialises as usual.
    rmSync(copying, { recursive: true, force: true });
    return false;
  }
}
