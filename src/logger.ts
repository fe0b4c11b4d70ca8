import pino from 'pino';
import type { Logger } from './ports/logger.js';

/** JSON logs on stdout. Anything that looks like a credential is redacted wherever it appears. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'tierdesk' },
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
  }) as unknown as Logger;
}
