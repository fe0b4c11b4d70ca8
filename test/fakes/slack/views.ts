/**
 * Modals: `views.open` / `views.update` as Slack answers them, trigger ids as Slack issues them
 * (good for 3 s, once), and the `view_submission` a person sends by filling a modal in.
 */
import { randomBytes } from 'node:crypto';
import { type Args, fail, type MethodHandler, type MethodResult, str } from './args.js';
import type { SlackState } from './state.js';

type Json = Record<string, unknown>;

/** Slack's limits on a modal (characters; items for blocks). */
const LIMITS = { title: 24, button: 24, blocks: 100, privateMetadata: 3000, callbackId: 255, label: 2000 };
const INPUT_MAX = 3000;
const PLACEHOLDER_MAX = 150;
/** A trigger id is good for 3 seconds after the interaction that carried it, and for one modal. */
export const TRIGGER_TTL_MS = 3000;

export interface IssuedTrigger {
  userId: string;
  issuedAt: number;
  used: boolean;
}

/** Triggers the fake issued (in the payloads of slash commands and actions it built). */
export class Triggers {
  private readonly issued = new Map<string, IssuedTrigger>();

  issue(userId: string, at: number): string {
    const digits = () => String(Math.floor(Math.random() * 1e12));
    const id = `${digits()}.${digits()}.${randomBytes(16).toString('hex')}`;
    this.issued.set(id, { userId, issuedAt: at, used: false });
    return id;
  }

  /** The trigger's user, or Slack's error for it; a trigger the fake did not issue must look like one. */
  take(id: string, now: number): { userId: string | null } | string {
    const t = this.issued.get(id);
    if (!t) return /^\d+\.\d+\.[0-9a-f]+$/.test(id) ? { userId: null } : 'invalid_trigger_id';
    if (t.used) return 'exchanged_trigger_id';
    if (now - t.issuedAt > TRIGGER_TTL_MS) return 'expired_trigger_id';
    t.used = true;
    return { userId: t.userId };
  }

  clear(): void {
    this.issued.clear();
  }
}

const text = (v: unknown): string | null =>
  typeof v === 'object' && v !== null && typeof (v as Json).text === 'string'
    ? ((v as Json).text as string)
    : null;

/** The first problem Slack would report for a modal, as `[ERROR] … [json-pointer:…]`, or null. */
export function viewProblem(view: Json): string | null {
  const at = (pointer: string, message: string) => `[ERROR] ${message} [json-pointer:/view${pointer}]`;
  if (view.type !== 'modal') return at('/type', 'must be modal');
  const title = text(view.title);
  if (title === null) return at('/title', 'must be provided');
  if (title.length > LIMITS.title)
    return at('/title/text', `must be less than ${LIMITS.title + 1} characters`);
  for (const key of ['submit', 'close'] as const) {
    const t = text(view[key]);
    if (t !== null && t.length > LIMITS.button) return at(`/${key}/text`, 'must be less than 25 characters');
  }
  const meta = view.private_metadata;
  if (typeof meta === 'string' && meta.length > LIMITS.privateMetadata)
    return at('/private_metadata', 'must be less than 3001 characters');
  if (typeof view.callback_id === 'string' && view.callback_id.length > LIMITS.callbackId)
    return at('/callback_id', 'must be less than 256 characters');
  const blocks = Array.isArray(view.blocks) ? (view.blocks as Json[]) : [];
  if (blocks.length > LIMITS.blocks) return at('/blocks', 'must be less than 101 items');
  const inputs = blocks.filter((b) => b.type === 'input');
  if (inputs.length > 0 && text(view.submit) === null)
    return at('/submit', 'must be provided when the view has input blocks');
  for (const [i, b] of blocks.entries())
    if (b.type === 'input') {
      const problem = inputProblem(b);
      if (problem) return at(`/blocks/${i}${problem[0]}`, problem[1]);
    }
  return null;
}

function inputProblem(b: Json): [string, string] | null {
  const label = text(b.label);
  if (label === null || label.length > LIMITS.label)
    return ['/label', 'must be a plain_text of 1-2000 characters'];
  const e = (b.element ?? {}) as Json;
  if (e.type !== 'plain_text_input') return null; // the fake fills in text inputs only
  if (typeof e.action_id !== 'string' || !e.action_id) return ['/element/action_id', 'must be provided'];
  const max = e.max_length === undefined ? INPUT_MAX : Number(e.max_length);
  if (!Number.isInteger(max) || max < 1 || max > INPUT_MAX)
    return ['/element/max_length', 'must be between 1 and 3000'];
  const placeholder = text(e.placeholder);
  if (placeholder !== null && placeholder.length > PLACEHOLDER_MAX)
    return ['/element/placeholder/text', 'must be less than 151 characters'];
  if (typeof e.initial_value === 'string' && e.initial_value.length > max)
    return ['/element/initial_value', 'must be no longer than max_length'];
  return null;
}

function stored(state: SlackState, id: string, view: Json, userId: string | null, root: string): Json {
  const out: Json = {
    id,
    team_id: state.identity.teamId,
    type: 'modal',
    private_metadata: '',
    callback_id: '',
    external_id: '',
    clear_on_close: false,
    notify_on_close: false,
    close: null,
    submit: null,
    ...view,
    blocks: Array.isArray(view.blocks) ? view.blocks : [],
    state: { values: {} },
    hash: `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
    previous_view_id: null,
    root_view_id: root,
    app_id: state.identity.appId,
    app_installed_team_id: state.identity.teamId,
    bot_id: state.identity.botId,
  };
  state.views.set(id, { ...out, ...(userId ? { __user: userId } : {}) });
  return out;
}

function viewArg(args: Args): Json | MethodResult {
  const view = args.view;
  if (typeof view !== 'object' || view === null || Array.isArray(view)) return fail('invalid_arguments');
  const problem = viewProblem(view as Json);
  return problem ? fail('invalid_arguments', { response_metadata: { messages: [problem] } }) : (view as Json);
}

export function viewRoutes(triggers: Triggers, now: () => number): Record<string, MethodHandler> {
  const open: MethodHandler = (args, state) => {
    const trigger = str(args, 'trigger_id');
    if (!trigger) return fail('invalid_arguments');
    const view = viewArg(args);
    if (view.ok === false) return view;
    const taken = triggers.take(trigger, now());
    if (typeof taken === 'string') return fail(taken);
    const id = state.nextViewId();
    return { ok: true, view: stored(state, id, view, taken.userId, id) };
  };
  const update: MethodHandler = (args, state) => {
    const id = str(args, 'view_id') ?? '';
    const old = state.views.get(id);
    if (!old) return fail('not_found');
    const view = viewArg(args);
    if (view.ok === false) return view;
    return {
      ok: true,
      view: stored(state, id, view, (old.__user as string) ?? null, String(old.root_view_id)),
    };
  };
  return { 'views.open': open, 'views.update': update };
}

/**
 * What Slack's client sends when a person submits a modal: `state.values` of every text input, the
 * form refused (an Error) where the client would refuse it — a required field left empty or text
 * longer than `max_length`.
 */
export function filledValues(view: Json, values: Record<string, string>): Json {
  const out: Json = {};
  for (const b of (view.blocks as Json[]) ?? []) {
    if (b.type !== 'input') continue;
    const e = b.element as Json;
    if (e.type !== 'plain_text_input') continue;
    const actionId = String(e.action_id);
    const given = values[actionId] ?? (typeof e.initial_value === 'string' ? e.initial_value : '');
    if (!given && b.optional !== true)
      throw new Error(`FakeSlack: "${actionId}" is required; the client will not submit`);
    if (e.max_length !== undefined && given.length > Number(e.max_length))
      throw new Error(`FakeSlack: "${actionId}" is longer than its max_length; the client will not submit`);
    out[String(b.block_id)] = { [actionId]: { type: 'plain_text_input', value: given || null } };
  }
  return out;
}
