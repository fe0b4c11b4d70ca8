import type { Logger } from '../../src/ports/logger.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  /** The fields of the line, with those of every parent `child()`. */
  fields: Record<string, unknown>;
}

/** A Logger that keeps every line in memory, for tests that check what is (and is not) logged. */
export class RecordingLogger implements Logger {
  constructor(
    readonly lines: LogLine[] = [],
    private readonly bindings: object = {},
  ) {}

  private record(level: LogLine['level'], obj: object, msg = ''): void {
    this.lines.push({ level, msg, fields: { ...this.bindings, ...obj } });
  }

  debug(obj: object, msg?: string): void {
    this.record('debug', obj, msg);
  }
  info(obj: object, msg?: string): void {
    this.record('info', obj, msg);
  }
  warn(obj: object, msg?: string): void {
    this.record('warn', obj, msg);
  }
  error(obj: object, msg?: string): void {
    this.record('error', obj, msg);
  }
  child(bindings: object): Logger {
    return new RecordingLogger(this.lines, { ...this.bindings, ...bindings });
  }

  /** Every line as one string (errors with their message and stack), to search for text that must not be there. */
  text(): string {
    return this.lines
      .map((l) =>
        JSON.stringify({ ...l, fields: l.fields }, (_k, v) =>
          v instanceof Error ? { name: v.name, message: v.message, stack: v.stack, cause: v.cause } : v,
        ),
      )
      .join('\n');
  }
}
