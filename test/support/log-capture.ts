import { createLogger } from '../../src/logger.js';
import type { Logger } from '../../src/ports/logger.js';

export interface CapturedLog {
  /** The real logger (pino, with the app's serializers and redaction), writing here. */
  logger: Logger;
  /** Every line written so far, as written. */
  lines: string[];
  /** The lines whose message (`msg`) matches. */
  find(msg: string | RegExp): Array<Record<string, unknown> & { line: string }>;
}

/** The app's own logger at `level`, its JSON lines kept in memory instead of written to stdout. */
export function captureLog(level = 'debug'): CapturedLog {
  const lines: string[] = [];
  const logger = createLogger(level, { write: (s: string) => void lines.push(s.trimEnd()) });
  return {
    logger,
    lines,
    find: (msg) =>
      lines
        .map((line): Record<string, unknown> & { line: string } => ({ ...JSON.parse(line), line }))
        .filter((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(String(l.msg)))),
  };
}
