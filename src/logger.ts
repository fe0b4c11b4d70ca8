import pino from 'pino';
import type { Logger } from './ports/logger.js';

/** The most of a failed statement's SQL a log line carries. */
const MAX_QUERY_CHARS = 300;
/** Bounds on one logged error, so a line stays small whatever was thrown. */
const MAX_MESSAGE_CHARS = 500;
const MAX_FRAMES = 8;
const MAX_FIELD_CHARS = 200;
/** Errors one line carries: the thrown one, its causes and an AggregateError's members. */
const MAX_ERRORS = 6;
const MAX_AGGREGATED = 3;

/**
 * Fields never copied from an error: a statement's parameters and text, PostgreSQL's `detail` and
 * `where` (they quote row values), request and response bodies. The chain is walked separately.
 */
const UNSAFE_FIELDS = new Set([
  'query',
  'params',
  'parameters',
  'args',
  'detail',
  'where',
  'internalQuery',
  'body',
  'text',
  'payload',
  'request',
  'response',
  'headers',
  'original',
  'cause',
  'errors',
]);

export interface SerializedError {
  type: string;
  message: string;
  stack: string;
  cause?: SerializedError;
  errors?: SerializedError[];
  [field: string]: unknown;
}

type QueryError = Error & { query: string; params: unknown[] };

const isError = (e: unknown): e is Error =>
  typeof e === 'object' && e !== null && typeof (e as Error).message === 'string';
const isQueryError = (e: unknown): e is QueryError =>
  isError(e) && typeof (e as QueryError).query === 'string' && Array.isArray((e as QueryError).params);
/**
 * drizzle's message is the statement and its parameters; PGlite's own error carries the statement
 * as a field and PostgreSQL's message as its message, which says what went wrong.
 */
const quotesStatement = (e: unknown): e is QueryError =>
  isQueryError(e) && e.message.includes(e.query.trim());

/** What an error wraps: `cause`, or Bolt's `original` (its UnknownError repeats the original's message). */
function causeOf(e: Error): unknown {
  return e.cause ?? (e as { original?: unknown }).original;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A failed statement's message: the start of its SQL only. */
function queryMessage(e: QueryError): string {
  return `Failed query: ${clip(e.query.trim(), MAX_QUERY_CHARS)}`;
}

/**
 * The raw messages of the failed statements anywhere in the chain: a wrapper (Bolt's UnknownError,
 * an error with a `cause` that quotes it) repeats them, parameters and all.
 */
function statementMessages(err: unknown, seen = new Set<unknown>()): Array<[string, string]> {
  if (!isError(err) || seen.has(err) || seen.size >= MAX_ERRORS * 2) return [];
  seen.add(err);
  const own: Array<[string, string]> = quotesStatement(err) ? [[err.message, queryMessage(err)]] : [];
  const members = Array.isArray((err as AggregateError).errors) ? (err as AggregateError).errors : [];
  return [...own, ...[causeOf(err), ...members].flatMap((e) => statementMessages(e, seen))];
}

/** A message with every quoted statement cut to its start, and drizzle's `params:` list dropped. */
function safeMessage(e: Error, statements: Array<[string, string]>): string {
  if (quotesStatement(e)) return queryMessage(e);
  let m = e.message;
  for (const [raw, safe] of statements) if (raw && m.includes(raw)) m = m.split(raw).join(safe);
  const params = m.indexOf('\nparams: ');
  if (params >= 0) m = `${m.slice(0, params)} (parameters not logged)`;
  return clip(m, MAX_MESSAGE_CHARS);
}

/** Own scalar fields (code, severity, constraint, table…), bounded; Slack's `data.error` too. */
function safeFields(e: Error): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(e)) {
    if (UNSAFE_FIELDS.has(key)) continue;
    if (typeof value === 'string') out[key] = clip(value, MAX_FIELD_CHARS);
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  const slack = (e as { data?: { error?: unknown } }).data?.error;
  if (typeof slack === 'string') out.data = { error: clip(slack, MAX_FIELD_CHARS) };
  return out;
}

function serializeOne(
  e: Error,
  statements: Array<[string, string]>,
  budget: { left: number; seen: Set<unknown> },
): SerializedError {
  budget.left -= 1;
  budget.seen.add(e);
  // A minified library (PGlite) leaves a one-letter class name; its `name` says more then.
  const ctor = typeof e.constructor === 'function' ? e.constructor.name : '';
  const type = ctor.length > 2 ? ctor : e.name;
  const message = safeMessage(e, statements);
  const frames = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  const out: SerializedError = {
    type,
    message,
    ...safeFields(e),
    stack: [`${e.name}: ${message}`, ...frames.slice(0, MAX_FRAMES)].join('\n'),
  };
  if (isQueryError(e)) {
    out.query = clip(e.query.trim(), MAX_QUERY_CHARS);
    out.params = `${e.params.length} parameters (not logged)`;
  }
  const next = (x: unknown): x is Error => isError(x) && budget.left > 0 && !budget.seen.has(x);
  const members = Array.isArray((e as AggregateError).errors) ? (e as AggregateError).errors : [];
  const errors = members.slice(0, MAX_AGGREGATED).filter(next);
  if (errors.length > 0) out.errors = errors.map((m) => serializeOne(m, statements, budget));
  const cause = causeOf(e);
  if (next(cause)) out.cause = serializeOne(cause, statements, budget);
  return out;
}

/**
 * An error for a log line, with its whole chain (`cause`, Bolt's `original`, an AggregateError's
 * `errors`), bounded in depth and size. A failed query (drizzle's DrizzleQueryError, whose message
 * repeats the statement and every parameter: customers' messages and names, Slack's verification
 * token, megabytes for a batch) is logged by the start of its SQL and its parameter count, and so
 * is every wrapper that quotes it (Bolt's UnknownError). PostgreSQL's `detail`, which quotes row
 * values, is left out.
 */
export function serializeError(err: unknown): SerializedError {
  if (!isError(err)) return { type: typeof err, message: clip(String(err), MAX_MESSAGE_CHARS), stack: '' };
  return serializeOne(err, statementMessages(err), { left: MAX_ERRORS, seen: new Set() });
}

/**
 * JSON logs on stdout (or `destination`, for tests). Anything that looks like a credential is
 * redacted wherever it appears.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'tierdesk' },
    serializers: { err: serializeError },
    redact: {
      paths: [
        '*.token',
        '*.password',
        '*.secret',
        '*.signingSecret',
        '*.authorization',
        '*.DATABASE_URL',
        'env',
        'headers.authorization',
      ],
      censor: '[redacted]',
    },
  };
  return (destination ? pino(options, destination) : pino(options)) as unknown as Logger;
}
