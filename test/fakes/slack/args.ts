import type { SlackState } from './state.js';
import type { SlackMetadata } from './types.js';

export type Args = Record<string, unknown>;
export type MethodResult = Record<string, unknown>;
export type MethodHandler = (args: Args, state: SlackState) => MethodResult;

export function fail(error: string, extra: Record<string, unknown> = {}): MethodResult {
  return { ok: false, error, ...extra };
}

/** A scalar argument as Slack reads it: form fields are strings, JSON bodies may hold numbers. */
export function str(args: Args, key: string): string | undefined {
  const v = args[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Slack's boolean arguments accept `true`/`1` (form fields arrive as the strings). */
export function flag(args: Args, key: string): boolean {
  const v = args[key];
  return v === true || v === 1 || v === 'true' || v === '1';
}

export function int(args: Args, key: string, fallback: number): number {
  const n = Number.parseInt(str(args, key) ?? '', 10);
  return Number.isNaN(n) ? fallback : n;
}

/** `undefined` when absent, `null` when present but not a list of Block Kit objects. */
export function blockList(args: Args, key: string): unknown[] | undefined | null {
  const v = args[key];
  if (v === undefined || v === '') return undefined;
  if (!Array.isArray(v)) return null;
  const valid = v.every((b) => typeof b === 'object' && b !== null && (key !== 'blocks' || 'type' in b));
  return valid ? v : null;
}

/** `undefined` when absent, `null` when not `{ event_type, event_payload }`. */
export function metadataArg(args: Args): SlackMetadata | undefined | null {
  const v = args.metadata;
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'object' || v === null) return null;
  const { event_type, event_payload } = v as Record<string, unknown>;
  if (typeof event_type !== 'string' || typeof event_payload !== 'object' || event_payload === null)
    return null;
  return { event_type, event_payload: event_payload as Record<string, unknown> };
}
