import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Policy } from '../../domain/policy.js';
import { type Handler, type Method, type RouteOptions, sendJson } from '../../http/server.js';
import type { OffsetClock } from '../../ports/clock.js';
import { dmChannel } from './delivery.js';
import { clickAction, postMessage, type SandboxInboundDeps } from './inbound.js';
import {
  actionSchema,
  BadRequest,
  clockSchema,
  MAX_BODY,
  parseBody,
  postSchema,
  readJson,
} from './requests.js';

/** Messages per channel the browser gets when it (re)connects. */
const HISTORY = 200;

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
      throw new BadRequest(400, 'unknown_person', `Nobody in the directory is "${handle}" on the sandbox.`);
    return p;
  }

  async function knownChannel(channel: string) {
    if (channel.startsWith('@')) return;
    if (queues().some((q) => q.id === channel)) return;
    if ((await c.store.rooms()).some((r) => r.id === channel)) return;
    throw new BadRequest(400, 'unknown_channel', `There is no channel "${channel}" in the sandbox.`);
  }

  /**
   * A reply goes under a message that starts a thread in the same channel, as on Slack; anything
   * else would be stored as a reply to nothing (an orphan no one sees) or cross into another room.
   */
  async function threadIn(channel: string, threadId: number) {
    const root = await c.store.get(threadId);
    if (!root) throw new BadRequest(400, 'unknown_thread', `There is no message ${threadId} to reply to.`);
    if (root.channel !== channel)
      throw new BadRequest(
        400,
        'thread_not_in_channel',
        `Message ${threadId} is not in ${channel}: a reply goes in the channel of its thread.`,
      );
    if (root.threadId !== null)
      throw new BadRequest(
        400,
        'not_a_thread',
        `Message ${threadId} is itself a reply: reply to message ${root.threadId}, which starts its thread.`,
      );
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
      throw new BadRequest(400, 'unknown_person', `Nobody in the directory is "${handle}" on the sandbox.`);
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
      const body = parseBody(postSchema, await readJson(req));
      const p = await person(body.as);
      if (!body.text.startsWith('/')) await knownChannel(body.channel);
      if (!(await viewOf(p.id)).sees(body.channel))
        throw new BadRequest(403, 'not_your_channel', `${p.name} is not a member of ${body.channel}.`);
      if (body.channel.startsWith('@') && body.channel !== dmChannel(p.id) && !body.text.startsWith('/'))
        throw new BadRequest(403, 'not_your_dm', 'You can only write in your own direct messages.');
      if (body.threadId !== null) await threadIn(body.channel, body.threadId);
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
      const body = parseBody(actionSchema, await readJson(req));
      const reply = await clickAction(c, await person(body.as), body.action, body.ticketId, body.value);
      sendJson(res, 200, { ephemeral: reply });
    },
    'POST /sandbox/api/clock': async (req, res) => {
      const body = parseBody(clockSchema, await readJson(req));
      if (!c.clock.controllable)
        throw new BadRequest(
          409,
          'clock_locked',
          'The clock only moves when the sandbox runs alone (no Slack or Discord configured).',
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
