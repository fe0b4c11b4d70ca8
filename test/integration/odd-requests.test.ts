import { describe, expect, it } from 'vitest';
import {
  eventCallback,
  FORM_CONTENT_TYPE,
  JSON_CONTENT_TYPE,
  postSigned,
  signSlackRequest,
  slashCommand,
} from '../fakes/slack/signed-request.js';
import { freshTs, messageEvent } from '../fakes/slack/slack-events.js';
import { type BotProcess, botProcessFixture, startBotProcess } from '../support/bot-process.js';
import { TEST_DB_KIND } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { rawRequest as raw, trickle } from '../support/raw-http.js';

/** The signing secret startBotProcess gives the bot. */
const SECRET = '0123456789abcdef0123456789abcdef';

function portOf(bot: BotProcess): number {
  const m = /"port":(\d+).*tierdesk ready/.exec(bot.output());
  if (!m) throw new Error(`no port in:\n${bot.output()}`);
  return Number(m[1]);
}

const signedWith = (body: string, timestampSec: number, secret = SECRET) => ({
  method: 'POST',
  headers: { 'content-type': JSON_CONTENT_TYPE, ...signSlackRequest(secret, body, timestampSec) },
  body,
});

const now = () => Math.floor(Date.now() / 1000);

interface Probe {
  what: string;
  send: (base: string, port: number) => Promise<Response | number | 'closed'>;
  status: number;
  allow?: string;
}

const EVENTS = '/slack/events';

const PROBES: Probe[] = [
  ...['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'].map(
    (method): Probe => ({
      what: `${method} ${EVENTS}`,
      send: (base) => fetch(base + EVENTS, { method }),
      status: 405,
      allow: 'POST',
    }),
  ),
  ...[
    '/slack',
    '/slack/',
    '/slack/install',
    '/slack/oauth_redirect',
    '/slack/events/x',
    '/nope',
    '/sandbox/x',
  ].map((path): Probe => ({ what: `GET ${path}`, send: (base) => fetch(base + path), status: 404 })),
  { what: 'GET /', send: (b) => fetch(`${b}/`), status: 200 },
  { what: 'HEAD /', send: (b) => fetch(`${b}/`, { method: 'HEAD' }), status: 200 },
  { what: 'DELETE /', send: (b) => fetch(`${b}/`, { method: 'DELETE' }), status: 405, allow: 'GET, HEAD' },
  {
    what: 'GET /sandbox/api/messages',
    send: (b) => fetch(`${b}/sandbox/api/messages`),
    status: 405,
    allow: 'POST',
  },
  {
    what: 'POST /sandbox/api/state',
    send: (b) => fetch(`${b}/sandbox/api/state`, { method: 'POST' }),
    status: 405,
    allow: 'GET, HEAD',
  },
  {
    what: 'POST /sandbox/api/messages as a form',
    send: (b) =>
      fetch(`${b}/sandbox/api/messages`, { method: 'POST', body: new URLSearchParams({ a: 'b' }) }),
    status: 415,
  },
  {
    what: `POST /slack/commands`,
    send: (b) => fetch(`${b}/slack/commands`, { method: 'POST' }),
    status: 404,
  },
  {
    what: 'POST /healthz',
    send: (b) => fetch(`${b}/healthz`, { method: 'POST' }),
    status: 405,
    allow: 'GET, HEAD',
  },
  {
    what: 'huge headers',
    send: (_b, port) =>
      raw(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`),
    status: 431,
  },
  { what: 'not HTTP at all', send: (_b, port) => raw(port, 'HELLO THERE\r\n\r\n'), status: 400 },
  {
    what: 'a body far over the limit',
    send: (_b, port) =>
      raw(
        port,
        `POST ${EVENTS} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n{`,
      ),
    status: 413,
  },
  {
    what: 'text/plain',
    send: (b) => fetch(b + EVENTS, { ...signedWith('{}', now()), headers: { 'content-type': 'text/plain' } }),
    status: 415,
  },
  {
    what: 'no content type',
    send: (b) => fetch(b + EVENTS, { method: 'POST', body: new Uint8Array([1, 2, 3]) }),
    status: 415,
  },
  { what: 'malformed JSON', send: (b) => fetch(b + EVENTS, signedWith('{"type":', now())), status: 400 },
  {
    what: 'unsigned',
    send: (b) =>
      fetch(b + EVENTS, { method: 'POST', headers: { 'content-type': JSON_CONTENT_TYPE }, body: '{}' }),
    status: 401,
  },
  {
    what: 'badly signed',
    send: (b) => fetch(b + EVENTS, signedWith('{}', now(), 'not-the-secret-0000000000000000')),
    status: 401,
  },
  { what: 'stale', send: (b) => fetch(b + EVENTS, signedWith('{}', now() - 600)), status: 401 },
  { what: 'from the future', send: (b) => fetch(b + EVENTS, signedWith('{}', now() + 600)), status: 401 },
  ...['null', '[1,2,3]', '"hello"', '{}', '{"type":"event_callback","event_id":"Ev1"}'].map(
    (body): Probe => ({
      what: `signed ${body}`,
      send: (b) => fetch(b + EVENTS, signedWith(body, now())),
      status: 400,
    }),
  ),
  {
    what: 'an unknown slash command',
    send: (b) => {
      const body = slashCommand({
        command: '/nope',
        text: 'x',
        userId: 'U0PRIYA001',
        teamId: 'T0VENDOR01',
        channelId: 'C0ENTENG01',
        responseUrl: 'http://127.0.0.1:1/unused',
      });
      return postSigned(b + EVENTS, body, FORM_CONTENT_TYPE, SECRET);
    },
    status: 400,
  },
];

describe.each(['thread', 'inline'] as const)(
  `odd requests at a running bot, SLACK_INGRESS=%s (${TEST_DB_KIND})`,
  (mode) => {
    const f = botProcessFixture();

    it('answers every one at once, and the bot goes on serving and opening tickets', async () => {
      const bot = await startBotProcess({
        fake: f.fake,
        dataDir: f.dataDir,
        databaseUrl: f.db?.url,
        // The sandbox beside Slack: its routes are probed too, and it seeds the example directory.
        env: { SLACK_INGRESS: mode, TIERDESK_SANDBOX: 'on' },
      });
      f.bots.push(bot);
      const port = portOf(bot);
      const base = `http://127.0.0.1:${port}`;
      const slow = [
        trickle(
          port,
          `POST ${EVENTS} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"type":`,
        ),
        trickle(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: '),
      ];
      const answers: string[] = [];
      for (const p of PROBES) {
        const r = await p.send(base, port).catch((err: Error) => `failed: ${err.message}`);
        const status = r instanceof Response ? r.status : r;
        const allow = r instanceof Response ? r.headers.get('allow') : null;
        answers.push(`${p.what}: ${status}${allow ? ` (Allow: ${allow})` : ''}`);
      }
      expect(bot.child.exitCode, bot.output()).toBeNull();
      expect(answers).toEqual(
        PROBES.map((p) => `${p.what}: ${p.status}${p.allow ? ` (Allow: ${p.allow})` : ''}`),
      );

      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ts = freshTs();
      const text = 'Our SSO login fails with a SAML error for every admin';
      f.fake.addUser({ id: 'U0INESNW01', realName: 'Inés Alvarez', teamId: 'T0NORTHWND' });
      f.fake.addMessage('C0NORTHWND', { ts, user: 'U0INESNW01', text });
      const event = messageEvent({
        channel: 'C0NORTHWND',
        user: 'U0INESNW01',
        text,
        ts,
        user_team: 'T0NORTHWND',
      });
      const res = await postSigned(
        base + EVENTS,
        eventCallback({ teamId: 'T0VENDOR01', event }),
        JSON_CONTENT_TYPE,
        SECRET,
      );
      expect(res.status).toBe(200);
      await eventually(() => {
        const reply = f.fake.posted('C0NORTHWND').find((p) => p.message.thread_ts === ts);
        expect(reply?.message.text).toMatch(/ticket #1\./);
      }, 15_000);
      for (const s of slow) s.destroy();
      expect(bot.child.exitCode, bot.output()).toBeNull();
    }, 120_000); // a bound, not a wait: starting the bot is most of it, and slow on a busy machine
  },
);
