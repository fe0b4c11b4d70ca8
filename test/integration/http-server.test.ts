import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, HttpError, type HttpServer, readBody, sendJson } from '../../src/http/server.js';
import type { Logger } from '../../src/ports/logger.js';
import { rawRequest } from '../support/raw-http.js';

/** Small limits, so that the timeouts are seen in well under a second of waiting for them. */
const LIMITS = { maxHeaderBytes: 4096, headersTimeoutMs: 300, requestTimeoutMs: 600 };

const errors: string[] = [];
const logger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error: (_o, msg) => void errors.push(msg ?? ''),
  child: () => logger,
};

let http: HttpServer;
let port = 0;
let base = '';

beforeAll(async () => {
  http = createHttpServer(logger, LIMITS);
  http.route('GET', '/ok', (_req, res) => sendJson(res, 200, { ok: true }));
  http.route('GET', '/throws', () => {
    throw new Error('a bug, thrown at once');
  });
  http.route('GET', '/rejects', async () => {
    throw new Error('a bug, later');
  });
  http.route('GET', '/refuses', () => {
    throw new HttpError(409, 'busy', 'try again later');
  });
  http.route('GET', '/half', (_req, res) => {
    res.writeHead(200, { 'content-length': 100 });
    res.write('partial');
    throw new Error('a bug mid-answer');
  });
  http.route(
    'POST',
    '/echo',
    async (req, res) => sendJson(res, 200, { bytes: (await readBody(req, 64)).length }),
    { accepts: ['application/json'], maxBodyBytes: 64 },
  );
  port = await http.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await http.close();
});

/** A chunked POST (no Content-Length), so only the handler's read can see its size. */
function chunked(path: string, chunks: string[]): Promise<number | 'closed'> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
      },
    );
    req.on('error', () => resolve('closed'));
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('the HTTP server: one rule for every route', () => {
  it('answers a throw, a rejection and a refusal, and keeps serving', async () => {
    const thrown = await fetch(`${base}/throws`);
    expect(thrown.status).toBe(500);
    expect(await thrown.json()).toEqual({ error: 'internal', message: 'internal error' });
    expect((await fetch(`${base}/rejects`)).status).toBe(500);
    const refused = await fetch(`${base}/refuses`);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toEqual({ error: 'busy', message: 'try again later' });
    await expect(fetch(`${base}/half`).then((r) => r.text())).rejects.toThrow(); // cut, not passed off as whole
    expect(errors).toEqual(['request failed', 'request failed', 'request failed']);
    expect((await fetch(`${base}/ok`)).status).toBe(200);
  });

  it('unknown path 404, wrong method 405 with Allow, HEAD wherever GET', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/ok/`)).status).toBe(404); // exact paths, no prefixes
    const wrong = await fetch(`${base}/ok`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${base}/echo`)).headers.get('allow')).toBe('POST');
    const head = await fetch(`${base}/ok`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect(await rawRequest(port, 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n')).toBe(404);
    expect(await rawRequest(port, 'GET http://elsewhere/ok HTTP/1.1\r\nHost: x\r\n\r\n')).toBe(200);
  });

  it('refuses a wrong media type (415) and a body over the limit (413), declared or not', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': type }, body });
    expect((await post('{}')).status).toBe(200);
    expect((await post('{}', 'application/json; charset=utf-8')).status).toBe(200);
    expect((await post('{}', 'text/plain')).status).toBe(415);
    expect((await post('x'.repeat(65))).status).toBe(413);
    expect(await chunked('/echo', ['x'.repeat(40), 'x'.repeat(40)])).toBe(413);
    expect(await chunked('/echo', ['x'.repeat(30), 'x'.repeat(30)])).toBe(200);
  });

  it('cuts off huge headers (431), slow headers and slow bodies (408)', async () => {
    expect(await rawRequest(port, `GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(8192)}\r\n\r\n`)).toBe(
      431,
    );
    expect(await rawRequest(port, 'GET /ok HTTP/1.1\r\nHost: x\r\nX-Slow: ')).toBe(408);
    const slowBody =
      'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{';
    expect(await rawRequest(port, slowBody)).toBe(408);
    expect((await fetch(`${base}/ok`)).status).toBe(200);
  });
});
