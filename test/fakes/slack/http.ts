import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Args } from './args.js';

/** Form fields Slack decodes as JSON; everything else stays the string it was sent as. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'view', 'unfurls', 'user_auth_blocks']);

export interface ParsedArgs {
  args: Args;
  /** Slack error code when the body could not be read. */
  error?: string;
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function decodeJsonField(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value; // left as a string so the method answers invalid_blocks & co, like Slack
  }
}

function formArgs(params: URLSearchParams, into: Args): void {
  for (const [key, value] of params) {
    into[key] = JSON_FIELDS.has(key) ? decodeJsonField(value) : value;
  }
}

/** Query string plus body (form-encoded as WebClient sends it, or JSON); the body wins on clashes. */
export function parseArgs(contentType: string | undefined, raw: string, query: URLSearchParams): ParsedArgs {
  const args: Args = {};
  formArgs(query, args);
  if (raw === '') return { args };
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') {
    try {
      const body: unknown = JSON.parse(raw);
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        return { args, error: 'invalid_json' };
      return { args: { ...args, ...(body as Args) } };
    } catch {
      return { args, error: 'invalid_json' };
    }
  }
  if (type === 'application/x-www-form-urlencoded') {
    formArgs(new URLSearchParams(raw), args);
    return { args };
  }
  return { args, error: 'invalid_form_data' };
}

/** Token from `Authorization: Bearer …`; Slack ignores other schemes. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

export function parseJsonBody(contentType: string | undefined, raw: string): unknown {
  if (!(contentType ?? '').toLowerCase().includes('json')) return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
): void {
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, json: unknown): void {
  send(res, status, { 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(json));
}
