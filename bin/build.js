// Compiles src/ once into dist/<fingerprint>/ with esbuild (bundled, split per adapter, packages
// left external) so the bot runs plain JavaScript: no TypeScript loader in memory, faster start.
// The fingerprint covers every source file's path, size and mtime, so an edited tree rebuilds, and
// concurrent starts (replicas, tests) each see either a finished build or build one of their own.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');

function fingerprint() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const s = statSync(path);
        hash.update(`${path}\0${s.size}\0${s.mtimeMs}\n`);
      }
    }
  };
  walk(SRC);
  hash.update(statSync(join(ROOT, 'package.json')).mtimeMs.toString());
  return hash.digest('hex').slice(0, 16);
}

/**
 * Bundles `entry` into `outdir` as `<name>.js`, as the bot runs: ESM for Node 20, split into
 * chunks, packages left external, source maps linked. The Slack ingress runs as a worker thread,
 * which needs a file of its own to start from, so its entry goes beside (`slack-ingress.js`).
 * The bench compiles its figures with it too.
 */
export async function bundle(entry, outdir, name = 'main') {
  const { build } = await import('esbuild');
  await build({
    entryPoints: {
      [name]: entry,
      'slack-ingress': join(SRC, 'adapters', 'slack', 'ingress', 'ingress-worker.ts'),
    },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'error',
  });
}

/** The compiled CLI entry (dist/<fingerprint>/main.js), building it first when the sources changed. */
export async function compiledEntry() {
  const id = fingerprint();
  const out = join(DIST, id);
  const entry = join(out, 'main.js');
  if (existsSync(entry)) return entry;
  const tmp = `${out}.tmp-${process.pid}`;
  mkdirSync(DIST, { recursive: true });
  await bundle(join(SRC, 'cli', 'main.ts'), tmp);
  try {
    renameSync(tmp, out);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process finished the same build first
  }
  // Keep the three newest builds: a process started from an older one may still load its chunks.
  const builds = readdirSync(DIST)
    .filter((d) => /^[0-9a-f]{16}$/.test(d)) // not a build in progress, nor the bench's own
    .map((d) => ({ d, at: statSync(join(DIST, d)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { d } of builds.slice(3)) rmSync(join(DIST, d), { recursive: true, force: true });
  return entry;
}
