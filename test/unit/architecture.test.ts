import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The layering of ../shared/STYLE.md, held to the source: every relative import of src/. */
const SRC = resolve(import.meta.dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? e.name === 'web'
        ? [] // the browser page: a program of its own, bundled apart
        : sources(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

const files = sources(SRC).map((f) => relative(SRC, f));
const imports = new Map(
  files.map((f) => {
    const text = readFileSync(join(SRC, f), 'utf8');
    const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g)].map((m) =>
      relative(SRC, resolve(dirname(join(SRC, f)), `${m[1]}.ts`)),
    );
    return [f, specs.filter((s) => files.includes(s))];
  }),
);
const layer = (f: string) => f.split('/')[0]!;
/** app/<capability>: the unit the folder rule is about. */
const capability = (f: string) => f.split('/').slice(0, 2).join('/');

/** Strongly connected groups of more than one node (Tarjan). */
function loops(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        group.push(w);
      } while (w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const edges = (keep: (from: string, to: string) => boolean) =>
  [...imports].flatMap(([f, ds]) => ds.filter((d) => keep(f, d)).map((d) => `${f} → ${d}`));

describe('the source layout', () => {
  it('has no import loops between files', () => {
    expect(loops(imports)).toEqual([]);
  });

  it('has no loops between the capability folders of app/', () => {
    const folders = new Map<string, string[]>();
    for (const [f, ds] of imports) {
      if (layer(f) !== 'app' || !f.includes('/', 4)) continue;
      const out = folders.get(capability(f)) ?? [];
      for (const d of ds) if (layer(d) === 'app' && capability(d) !== capability(f)) out.push(capability(d));
      folders.set(capability(f), out);
    }
    expect(loops(folders)).toEqual([]);
  });

  it('keeps domain pure, ports abstract, and SQL out of adapters', () => {
    expect(edges((f, d) => layer(f) === 'domain' && layer(d) !== 'domain')).toEqual([]);
    expect(edges((f, d) => layer(f) === 'ports' && !['ports', 'domain'].includes(layer(d)))).toEqual([]);
    expect(edges((f, d) => layer(f) === 'adapters' && layer(d) === 'store')).toEqual([]);
    expect(
      edges((f, d) => layer(f) === 'app' && ['store', 'adapters', 'http', 'jobs'].includes(layer(d))),
    ).toEqual([]);
  });
});
