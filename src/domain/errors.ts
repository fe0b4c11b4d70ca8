/**
 * Expected failures are values: a code, a message fit for a user, and whether retrying may help.
 * Transports (slash commands, HTTP, CLI) turn them into user feedback in one place each.
 */
export type DomainErrorCode =
  | 'illegal_transition'
  | 'not_found'
  | 'forbidden'
  | 'invalid_input'
  | 'unknown_tier'
  | 'unknown_priority'
  | 'conflict';

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(
    code: DomainErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    retryable = false,
  ) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
    this.retryable = retryable;
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
