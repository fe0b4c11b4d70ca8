import type { Reply } from './types.js';

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/sandbox/api/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const json = (await res.json()) as T & { message?: string };
  if (!res.ok) throw new Error(json.message ?? `HTTP ${res.status}`);
  return json;
}

/** Posts with the same client id until the server has it: a retry never doubles a message. */
export async function send(
  as: string,
  channel: string,
  threadId: number | null,
  text: string,
): Promise<{ ephemeral?: Reply }> {
  const clientId = crypto.randomUUID();
  let lastError: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      return await api('POST', 'messages', { as, channel, threadId, text, clientId });
    } catch (err) {
      lastError = err;
      if (!(err instanceof TypeError)) break; // an answer from the server: don't retry
      await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
    }
  }
  throw lastError;
}
