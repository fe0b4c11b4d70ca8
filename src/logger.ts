import pino from 'pino';
import type { Logger } from './ports/logger.js';

/** The most of a failed statement's SQL a log line carries. */
const MAX_QUERY_CHARS = 300;

type SerializedError = ReturnType<typeof pino.stdSerializers.err>;

/**
 * Errors as pino serializes them, except a failed query's (drizzle's DrizzleQueryError, whose
 * message repeats the whole statement and every parameter): its parameters carry customers'
 * messages and Slack's verification token, and a batch's run to megabytes, so only the start of
 * the SQL and the number of parameters are logged. Its cause (Postgres's own error) is kept.
 */
export function serializeError(err: unknown): SerializedError {
  const out = pino.stdSerializers.err(err as Error);
  const failed = err as Error & { query?: unknown; params?: unknown };
  if (!(err instanceof Error) || typeof failed.query !== 'string' || !Array.isArray(failed.params))
    return out;
  const q = failed.query;
  const message = `Failed query: ${q.length > MAX_QUERY_CHARS ? `${q.slice(0, MAX_QUERY_CHARS)}…` : q}`;
  const params = failed.params.length;
  const frames = (err.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  return {
    ...out,
    message,
    query: message.slice('Failed query: '.length),
    params: `${params} parameters (not logged)`,
    stack: [`${err.name}: ${message}`, ...frames].join('\n'),
    ...(err.cause !== undefined ? { cause: serializeError(err.cause) } : {}),
  } as SerializedError;
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
