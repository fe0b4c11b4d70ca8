import { createHmac } from 'node:crypto';

export * from './slack-events.js';
export * from './slack-payloads.js';

export const JSON_CONTENT_TYPE = 'application/json';
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export interface SlackSignatureHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
}

/** Slack's v0 request signature: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>`. */
export function signSlackRequest(
  signingSecret: string,
  rawBody: string,
  timestampSec: number,
): SlackSignatureHeaders {
  const digest = createHmac('sha256', signingSecret).update(`v0:${timestampSec}:${rawBody}`).digest('hex');
  return { 'x-slack-signature': `v0=${digest}`, 'x-slack-request-timestamp': String(timestampSec) };
}

export interface PostSignedOpts {
  /** Seconds since the epoch; defaults to now (Bolt rejects timestamps over 5 minutes old). */
  timestampSec?: number;
  /** Slack's redelivery counter, sent as X-Slack-Retry-Num. */
  retryNum?: number;
  /** e.g. `http_timeout`, sent as X-Slack-Retry-Reason. */
  retryReason?: string;
  /** Sign with the wrong secret. */
  badSignature?: boolean;
}

/** POSTs `body` to the app's endpoint signed as Slack would sign it. */
export function postSigned(
  url: string,
  body: string,
  contentType: string,
  signingSecret: string,
  opts: PostSignedOpts = {},
): Promise<Response> {
  const timestampSec = opts.timestampSec ?? Math.floor(Date.now() / 1000);
  const secret = opts.badSignature ? `${signingSecret}-wrong` : signingSecret;
  const headers: Record<string, string> = {
    'content-type': contentType,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    ...signSlackRequest(secret, body, timestampSec),
  };
  if (opts.retryNum !== undefined) headers['x-slack-retry-num'] = String(opts.retryNum);
  if (opts.retryReason !== undefined) headers['x-slack-retry-reason'] = opts.retryReason;
  return fetch(url, { method: 'POST', headers, body });
}
