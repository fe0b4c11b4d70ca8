import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { humanIssue } from './human-errors.js';

export type IssuePath = Array<string | number>;
export interface RawIssue {
  path: IssuePath;
  message: string;
}

/** One problem of a YAML input file: where it is and what was expected. */
export interface FileProblem {
  file: string;
  /** 1-based line in the file, when the path could be located. */
  line: number | null;
  /** Dotted path into the document, e.g. `tiers[0].targets.P1.firstResponse`. */
  path: string;
  message: string;
}

export type FileResult<T> = { ok: true; value: T } | { ok: false; problems: FileProblem[] };

export function formatPath(path: IssuePath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out || '(document)';
}

export function formatProblem(p: FileProblem): string {
  return `${p.file}${p.line ? `:${p.line}` : ''}: ${p.path}: ${p.message}`;
}

/**
 * Parses YAML and validates it with a zod schema plus cross-checks; every problem comes back with
 * its line and path. Never throws on bad input.
 */
export function parseYamlWith<S extends z.ZodType, T>(
  text: string,
  file: string,
  schema: S,
  check: (data: z.output<S>) => RawIssue[],
  build: (data: z.output<S>) => T,
): FileResult<T> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => ({
      file,
      line: lines.linePos(e.pos[0]).line,
      path: '(yaml)',
      message: e.message.split('\n')[0] ?? e.message,
    }));
    return { ok: false, problems };
  }
  const lineOf = (path: IssuePath): number | null => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
    }
    return null;
  };
  const toProblems = (issues: RawIssue[]): FileProblem[] =>
    issues.map((i) => ({ file, line: lineOf(i.path), path: formatPath(i.path), message: i.message }));
  const parsed = schema.safeParse(doc.toJS() ?? {}, { error: humanIssue });
  if (!parsed.success) {
    const issues = parsed.error.issues.flatMap((i) => {
      const path = i.path.map((s) => (typeof s === 'symbol' ? String(s) : s));
      // zod reports unknown keys at their parent; point at each key so the line is the key's own.
      if (i.code === 'unrecognized_keys')
        return i.keys.map((k) => ({ path: [...path, k], message: `unknown field "${k}"` }));
      return [{ path, message: i.message }];
    });
    return { ok: false, problems: toProblems(issues) };
  }
  const refs = check(parsed.data);
  if (refs.length > 0) return { ok: false, problems: toProblems(refs) };
  return { ok: true, value: build(parsed.data) };
}

/** Node's errno wording ("EISDIR: illegal operation on a directory, read") as a person says it. */
const READ_FAILURES: Record<string, string> = {
  ENOENT: 'file not found',
  ENOTDIR: 'file not found',
  EISDIR: 'is a folder, not a file',
  EACCES: 'cannot be read: permission denied',
  EPERM: 'cannot be read: permission denied',
};

export function readTextFile(file: string): FileResult<string> {
  try {
    return { ok: true, value: readFileSync(file, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const message = READ_FAILURES[code] ?? `cannot be read (${code || (e as Error).message})`;
    return { ok: false, problems: [{ file, line: null, path: '(file)', message }] };
  }
}
