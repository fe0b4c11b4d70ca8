import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How far a request's timestamp may be from our clock, in seconds, either way. Slack's guidance:
 * refuse a request more than five minutes old (a replay); one as far in the future is no better
 * (Bolt's own check lets those through).
 */
export const MAX_SKEW_SEC = 5 * 60;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export interface SignedRequest {
  signingSecret: string;
  /** The body exactly as received: Slack signs its bytes. */
  body: Buffer;
  /** X-Slack-Signature (`v0=<hex>`). */
  signature: string | undefined;
  /** X-Slack-Request-Timestamp, Unix seconds. */
  timestamp: string | undefined;
  /** Our clock, ms since the epoch. */
  nowMs: number;
}

/**
 * Slack's v0 request signature: `v0=` + hex HMAC-SHA256(signing secret, `v0:<timestamp>:<body>`),
 * compared in constant time, with the timestamp within MAX_SKEW_SEC of `nowMs`. The reason is
 * fit for the sender and for a log line (it never carries the body or the secret).
 */
export function checkSignature(r: SignedRequest): SignatureCheck {
  if (!r.signature || !r.timestamp)
    return { ok: false, reason: 'the request is not signed (X-Slack-Signature, X-Slack-Request-Timestamp)' };
  if (!/^\d{1,12}$/.test(r.timestamp))
    return { ok: false, reason: 'X-Slack-Request-Timestamp is not a Unix time in seconds' };
  const skew = Math.floor(r.nowMs / 1000) - Number(r.timestamp);
  if (skew > MAX_SKEW_SEC) return { ok: false, reason: 'the request is more than 5 minutes old' };
  if (skew < -MAX_SKEW_SEC) return { ok: false, reason: 'the request is dated more than 5 minutes ahead' };
  const hmac = createHmac('sha256', r.signingSecret).update(`v0:${r.timestamp}:`).update(r.body);
  const expected = Buffer.from(`v0=${hmac.digest('hex')}`);
  const given = Buffer.from(r.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'the signature does not match' };
  return { ok: true };
}
