import type { FetchFunction } from '@slack/web-api';
import { Agent, request } from 'undici';

type FetchResponse = Awaited<ReturnType<FetchFunction>>;

/**
 * The Web API client's transport: undici's `request` on a keep-alive pool, behind the small fetch
 * interface the client asks for (its `fetch` option). Node's global fetch builds WHATWG streams
 * and a Request and a Response for every call; in a flood of pages and card edits that was a
 * sixth of the bot's thread (bench figure 3). A body that is not a string (a file upload's form)
 * goes through the global fetch, which knows how to send it.
 */
export function slackFetch(dispatcher = new Agent({ keepAliveTimeout: 30_000 })): FetchFunction {
  return async (url, init = {}) => {
    if (init.body !== undefined && typeof init.body !== 'string')
      return globalThis.fetch(url, init as RequestInit) as Promise<FetchResponse>;
    if (init.signal?.aborted) throw init.signal.reason;
    const href = String(url);
    const res = await request(href, {
      method: (init.method ?? 'GET') as 'GET' | 'POST',
      headers: init.headers,
      body: init.body,
      signal: init.signal,
      dispatcher,
    });
    const headers = new Map<string, string>();
    for (const [name, value] of Object.entries(res.headers))
      if (value !== undefined)
        headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
    // Read at once (Web API answers are small): a body left unread would hold its connection.
    const bytes = Buffer.from(await res.body.arrayBuffer());
    return {
      ok: res.statusCode >= 200 && res.statusCode < 300,
      status: res.statusCode,
      statusText: '',
      url: href,
      headers: {
        get: (name: string) => headers.get(name.toLowerCase()) ?? null,
        entries: () => headers.entries(),
      },
      arrayBuffer: async () =>
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      text: async () => bytes.toString('utf8'),
      json: async () => JSON.parse(bytes.toString('utf8')),
    };
  };
}
