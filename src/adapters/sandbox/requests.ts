import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { CARD_ACTIONS } from '../../app/commands/card-action.js';
import { MAX_MESSAGE_CHARS, normalizeText } from '../../domain/text.js';

/**
 * The bodies the sandbox API takes, and how a bad one is refused: with a 4xx and a sentence a
 * person can act on (never a library's wording such as "expected int, received number"). Objects
 * are strict: a field the API does not know is refused rather than silently dropped, so a typo
 * (`threadID`) cannot turn a reply into a new ticket.
 */

/** A refusal: HTTP status, a stable code for programs, a sentence for people. */
export class BadRequest extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Large enough for a message at the limit in any script: 40,000 characters are at most 240,000
 * bytes of JSON (`\uXXXX` escapes), plus the other fields.
 */
export const MAX_BODY = 256 * 1024;

const count = (n: number) => n.toLocaleString('en-US');

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY)
      throw new BadRequest(
        413,
        'too_large',
        `The request is over ${count(MAX_BODY / 1024)} KiB; a message holds at most ${count(MAX_MESSAGE_CHARS)} characters.`,
      );
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  // JSON only: a cross-site form cannot post it without a CORS preflight, which we never grant.
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    throw new BadRequest(
      415,
      'unsupported_media_type',
      'Send the body as JSON (content-type: application/json).',
    );
  const body = await readBody(req);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new BadRequest(400, 'bad_json', 'The body is not valid JSON.');
  }
}

const as = z
  .string({ error: '"as" must be the sandbox handle of the person acting, e.g. "ines".' })
  .min(1, '"as" must be the sandbox handle of the person acting, e.g. "ines".');

/** Message text: untrusted, so normalised (NUL dropped, lone surrogates replaced) before the limit is checked. */
const messageText = z
  .string({ error: '"text" must be the message, as text.' })
  .transform((s) => normalizeText(s.trim(), Number.POSITIVE_INFINITY))
  .superRefine((s, ctx) => {
    if (s.length === 0) ctx.addIssue({ code: 'custom', message: 'Type something before sending.' });
    else if (s.length > MAX_MESSAGE_CHARS)
      ctx.addIssue({
        code: 'custom',
        message: `The message is ${count(s.length)} characters long; the limit is ${count(MAX_MESSAGE_CHARS)}. Shorten it or split it in two.`,
      });
  });

export const postSchema = z.strictObject({
  as,
  channel: z
    .string({ error: '"channel" must be the name of a channel, e.g. "northwind-support".' })
    .min(1, '"channel" must be the name of a channel, e.g. "northwind-support".')
    .max(80, '"channel" is at most 80 characters long.'),
  threadId: z
    .number({ error: '"threadId" must be the number of the message that starts the thread, or null.' })
    .int('"threadId" must be the number of the message that starts the thread, or null.')
    .positive('"threadId" must be the number of the message that starts the thread, or null.')
    .nullable()
    .default(null),
  text: messageText,
  clientId: z
    .string({ error: '"clientId" must be the id the browser gave this message (8 to 64 characters).' })
    .min(8, '"clientId" must be the id the browser gave this message (8 to 64 characters).')
    .max(64, '"clientId" must be the id the browser gave this message (8 to 64 characters).'),
});

export const actionSchema = z.strictObject({
  as,
  action: z.enum(CARD_ACTIONS, { error: `"action" must be one of ${CARD_ACTIONS.join(', ')}.` }),
  ticketId: z
    .number({ error: '"ticketId" must be a ticket number.' })
    .int('"ticketId" must be a ticket number.')
    .positive('"ticketId" must be a ticket number.'),
  value: z
    .string({ error: '"value" must be text: the chosen priority (P1 to P4) for "priority".' })
    .max(20, '"value" must be text: the chosen priority (P1 to P4) for "priority".')
    .default(''),
});

export const clockSchema = z.strictObject({
  minutes: z
    .number({ error: 'Fast-forward by a whole number of minutes ("minutes").' })
    .int('Fast-forward by a whole number of minutes ("minutes").')
    .min(1, 'Fast-forward by at least 1 minute.')
    .max(7 * 24 * 60, 'Fast-forward by at most a week (10,080 minutes) at a time.'),
});

const list = (keys: readonly string[]) =>
  keys.length === 1 ? keys[0]! : `${keys.slice(0, -1).join(', ')} and ${keys.at(-1)}`;

/** The first problem of a body, as a sentence; zod's own wording never reaches a person. */
function sentence(issue: z.core.$ZodIssue, fields: readonly string[]): string {
  if (issue.code === 'unrecognized_keys') {
    const names = issue.keys.map((k) => `"${k}"`);
    return `Unknown field${names.length > 1 ? 's' : ''} ${list(names)}: this request takes ${list(fields)}.`;
  }
  if (issue.path.length === 0) return 'The body must be a JSON object.';
  return issue.message;
}

/** The body as `schema` wants it, or a 400 whose message says what to change. */
export function parseBody<S extends z.ZodObject>(schema: S, body: unknown): z.output<S> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  const message = first ? sentence(first, Object.keys(schema.shape)) : 'The request is not valid.';
  throw new BadRequest(400, 'invalid_request', message);
}
