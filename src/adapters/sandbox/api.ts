import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { CARD_ACTIONS } from '../../app/commands/card-action.js';
import type { Policy } from '../../domain/policy.js';
import { type Handler, type Method, type RouteOptions, sendJson } from '../../http/server.js';
import type { OffsetClock } from '../../ports/clock.js';
import { dmChannel } from './delivery.js';
import { clickAction, postMessage, type SandboxInboundDeps } from './inbound.js';

const MAX_BODY = 64 * 1024;
/** Messages per channel the browser gets when it (re)connects. */
const HISTORY = 200;

const postSchema = z.object({
  as: z.string().min(1),
  channel: z.string().min(1).max(80),
  threadId: z.number().int().positive().nullable().default(null),
  text: z.string().trim().min(1, 'type something').max(4000),
  clientId: z.string().min(8).max(64),
});
const actionSchema = z.object({
  as: z.string().min(1),
  action: z.enum(CARD_ACTIONS),
  ticketId: z.number().int().positive(),
  value: z.string().max(20).default(''),
});
const clockSchema = z.object({
  minutes: z
    .number()
    .int()
    .min(1, 'at least 1 minute')
    .max(7 * 24 * 60, 'at most a week at a time'),
});

class BadRequest extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  // JSON only: a cross-site form cannot post it without a CORS preflight, which we never grant.
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    throw new BadRequest(415, 'unsupported_media_type', 'send application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new BadRequest(413, 'too_large', `the body is over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BadRequest(400, 'bad_json', 'the body is not valid JSON');
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  const where = first?.path.length ? `${first.path.join('.')}: ` : '';
  throw new BadRequest(400, 'invalid_request', `${where}${first?.message ?? 'invalid request'}`);
}

export interface SandboxApiDeps extends SandboxInboundDeps {
  policy: Policy;
  clock: { instance: OffsetClock; controllable: boolean; advanced: () => void };
}

/** One route of the sandbox API, for the bot's HTTP server. */
export interface ApiRoute {
  method: Method;
  path: string;
  handler: Handler;
  options: RouteOptions;
}

/** The sandbox workspace's JSON API and its event stream, under /sandbox/api. */
export function sandboxApi(c: SandboxApiDeps): ApiRoute[] {
  const queues = () =>
    c.policy.queues
      .filter((q) => q.channels.sandbox)
      .map((q) => ({ id: q.channels.sandbox!, label: q.label }));

  async function person(handle: string) {
    const p = (await c.store.people()).find((x) => x.id === handle);
    if (!p)
      throw new BadRequest(400, 'unknown_person', `nobody in the directory is "${handle}" on the sandbox`);
    return p;
  }

  async function knownChannel(channel: string) {
    if (channel.startsWith('@')) return;
    if (queues().some((q) => q.id === channel)) return;
    if ((await c.store.rooms()).some((r) => r.id === channel)) return;
    throw new BadRequest(400, 'unknown_channel', `there is no channel "${channel}" in the sandbox`);
  }

  /**
   * What a person sees, as in a real shared workspace: staff see every channel; a customer only
   * the rooms of their own organization (never the queues, other customers or staff DMs).
   */
  async function viewOf(handle: string | null) {
    const people = await c.store.people();
    const rooms = await c.store.rooms();
    const viewer = handle === null ? null : (people.find((p) => p.id === handle) ?? null);
    if (handle !== null && !viewer)
      throw new BadRequest(400, 'unknown_person', `nobody in the directory is "${handle}" on the sandbox`);
    const org = viewer?.organization ?? null;
    const visibleRooms = org === null ? rooms : rooms.filter((r) => r.organization === org);
    const roomIds = new Set(visibleRooms.map((r) => r.id));
    const sees = (channel: string) => org === null || roomIds.has(channel);
    return { people, rooms: visibleRooms, customer: org !== null, sees };
  }

  const asParam = (req: IncomingMessage) =>
    new URL(req.url ?? '/', 'http://sandbox').searchParams.get('as') || null;

  const clockState = () => ({
    now: c.clock.instance.now(),
    offsetMs: c.clock.instance.offsetMs,
    controllable: c.clock.controllable,
  });

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> = {
    'GET /sandbox/api/state': async (req, res) => {
      const view = await viewOf(asParam(req));
      const messages = (await c.store.recent(HISTORY)).filter((m) => view.sees(m.channel));
      const staff = view.people.filter((p) => p.organization === null);
      sendJson(res, 200, {
        clock: clockState(),
        people: view.people,
        rooms: view.rooms,
        queues: view.customer ? [] : queues(),
        directMessages: view.customer
          ? []
          : staff.map((p) => ({ id: dmChannel(p.id), person: p.id, name: p.name })),
        messages,
      });
    },
    'GET /sandbox/api/events': async (req, res) => {
      c.hub.attach(res, (await viewOf(asParam(req))).sees);
    },
    'POST /sandbox/api/messages': async (req, res) => {
      const body = parse(postSchema, await readJson(req));
      const p = await person(body.as);
      if (!body.text.startsWith('/')) await knownChannel(body.channel);
      if (!(await viewOf(p.id)).sees(body.channel))
        throw new BadRequest(403, 'not_your_channel', `${p.name} is not a member of ${body.channel}`);
      if (body.channel.startsWith('@') && body.channel !== dmChannel(p.id) && !body.text.startsWith('/'))
        throw new BadRequest(403, 'not_your_dm', 'you can only write in your own direct messages');
      const out = await postMessage(c, {
        person: p,
        channel: body.channel,
        threadId: body.threadId,
        text: body.text,
        clientId: body.clientId,
      });
      sendJson(res, 200, out.kind === 'command' ? { ephemeral: out.reply } : out);
    },
    'POST /sandbox/api/actions': async (req, res) => {
      const body = parse(actionSchema, await readJson(req));
      const reply = await clickAction(c, await person(body.as), body.action, body.ticketId, body.value);
      sendJson(res, 200, { ephemeral: reply });
    },
    'POST /sandbox/api/clock': async (req, res) => {
      const body = parse(clockSchema, await readJson(req));
      if (!c.clock.controllable)
        throw new BadRequest(
          409,
          'clock_locked',
          'the clock only moves when the sandbox runs alone (no Slack or Discord configured)',
        );
      c.clock.instance.offsetMs = await c.store.advanceClock(body.minutes * 60_000);
      c.hub.publish({ type: 'clock', now: c.clock.instance.now(), offsetMs: c.clock.instance.offsetMs });
      c.clock.advanced();
      sendJson(res, 200, clockState());
    },
  };

  // Each 'METHOD /path' above is one route of the bot's server, which answers other methods 405 and
  // other paths 404; a body must be JSON and at most MAX_BODY bytes.
  return Object.entries(routes).map(([key, run]) => {
    const [method, path] = key.split(' ') as [Method, string];
    const handler: Handler = async (req, res) => {
      try {
        await run(req, res);
      } catch (err) {
        if (!(err instanceof BadRequest)) throw err;
        sendJson(res, err.status, { error: err.code, message: err.message });
      }
    };
    const body: RouteOptions = { accepts: ['application/json'], maxBodyBytes: MAX_BODY };
    return { method, path, handler, options: method === 'POST' ? body : {} };
  });
}
