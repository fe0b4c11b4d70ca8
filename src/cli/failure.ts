/**
 * A command's unexpected failure as one sentence for the person at the terminal: what went wrong,
 * never a stack trace and never a failed statement's parameters (they hold customers' messages).
 * `LOG_LEVEL=debug` prints the stack as well.
 */
export function describeFailure(err: unknown): string {
  const e = err as Error & { code?: unknown; address?: unknown; port?: unknown; cause?: unknown };
  const network: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'no such host',
    ETIMEDOUT: 'timed out',
    ECONNRESET: 'the connection was reset',
    EHOSTUNREACH: 'host unreachable',
  };
  if (typeof e?.code === 'string' && network[e.code]) {
    const where = e.address ? ` at ${e.address}${e.port ? `:${e.port}` : ''}` : '';
    return `cannot reach the database${where} (${network[e.code]}); nothing was written`;
  }
  // drizzle wraps the driver's error and repeats the statement and its parameters in its message.
  if (e?.cause instanceof Error && /^Failed query/.test(e.message)) return describeFailure(e.cause);
  if (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code))
    return `the database refused it: ${e.message} (SQLSTATE ${e.code}); nothing was written`;
  const message = err instanceof Error ? err.message : String(err);
  return `failed: ${message.length > 300 ? `${message.slice(0, 300)}…` : message}`;
}
