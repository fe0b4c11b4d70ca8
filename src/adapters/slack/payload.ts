/**
 * What a signed request to the Slack endpoint carries, told apart and checked before anything acts
 * on it: Bolt would dispatch any JSON value (`null` threw inside it; an array or a string matched
 * no listener and was answered 404 only after 3 s). No Bolt import: the ingress thread uses it.
 */

export const JSON_TYPE = 'application/json';
export const FORM_TYPE = 'application/x-www-form-urlencoded';

/** Slack's payloads are far below this (a message is at most 40,000 characters). */
export const MAX_SLACK_BODY_BYTES = 1024 * 1024;

type Body = Record<string, unknown>;

export type SlackPayload =
  | { kind: 'url_verification'; challenge: string }
  | { kind: 'event'; eventId: string; body: Body }
  /** Slack stopped sending events for a while (more than 30,000 an hour): nothing to do. */
  | { kind: 'rate_limited'; body: Body }
  | { kind: 'command'; name: string; body: Body }
  | { kind: 'interaction'; type: string; body: Body }
  | { kind: 'invalid'; reason: string };

/** Interactivity payload types (form field `payload`) that Bolt dispatches to listeners. */
const INTERACTIONS = new Set([
  'block_actions',
  'block_suggestion',
  'view_submission',
  'view_closed',
  'shortcut',
  'message_action',
  'interactive_message',
  'dialog_submission',
]);

const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const invalid = (reason: string): SlackPayload => ({ kind: 'invalid', reason });
/** Where a listener's reply goes (respond()): an http(s) URL, else the reply fails after the ack. */
const isUrl = (v: unknown): v is string => typeof v === 'string' && /^https?:\/\/\S+$/.test(v);

/** `ssl_check=1`: Slack checking the certificate (unsigned; answered 200 with nothing done). */
export function isSslCheck(raw: Buffer, mediaType: string): boolean {
  return mediaType === FORM_TYPE && new URLSearchParams(raw.toString('utf8')).get('ssl_check') === '1';
}

/** Parses a signed body by its media type (JSON, or a form with fields or one `payload` field). */
export function parseSlackBody(raw: Buffer, mediaType: string): SlackPayload {
  const text = raw.toString('utf8');
  let body: unknown;
  try {
    if (mediaType === JSON_TYPE) body = JSON.parse(text);
    else if (mediaType === FORM_TYPE) {
      const form = new URLSearchParams(text);
      const payload = form.get('payload');
      body = payload === null ? Object.fromEntries(form) : JSON.parse(payload);
    } else return invalid(`send ${JSON_TYPE} or ${FORM_TYPE}`);
  } catch {
    return invalid('the body is not valid JSON');
  }
  return classify(body);
}

function classify(body: unknown): SlackPayload {
  if (!isObject(body)) return invalid('the body is not a JSON object');
  const type = body.type;
  if (type === 'url_verification')
    return isText(body.challenge)
      ? { kind: 'url_verification', challenge: body.challenge }
      : invalid('no challenge');
  if (type === 'event_callback') {
    if (!isText(body.event_id) || !isObject(body.event) || !isText(body.event.type))
      return invalid('an event_callback needs an event_id and an event with a type');
    const unreadable = boltTripWire(body, body.event);
    if (unreadable) return invalid(unreadable);
    return { kind: 'event', eventId: body.event_id, body };
  }
  if (type === 'app_rate_limited') return { kind: 'rate_limited', body };
  if (body.command !== undefined) return command(body);
  if (typeof type === 'string' && INTERACTIONS.has(type)) return interaction(type, body);
  return invalid('not a Slack event, slash command or interaction');
}

/**
 * What Bolt reads of an event callback before any listener, with `in` or a property access that
 * throws on null or a primitive (found by sending it malformed events): such an event can never
 * be dispatched, so it is refused like any other malformed body.
 */
function boltTripWire(body: Body, event: Body): string | null {
  const auths = body.authorizations;
  if (auths !== undefined && (!Array.isArray(auths) || !auths.every(isObject)))
    return 'authorizations must be a list of objects';
  for (const field of ['channel', 'user'])
    if (event[field] !== undefined && typeof event[field] !== 'string' && !isObject(event[field]))
      return `event.${field} must be an id or an object`;
  for (const field of ['item', 'message', 'previous_message', 'assistant_thread', 'subteam'])
    if (event[field] !== undefined && !isObject(event[field])) return `event.${field} must be an object`;
  if (event.type === 'function_executed' && !isText(event.function_execution_id))
    return 'function_executed needs a function_execution_id';
  return null;
}

function command(body: Body): SlackPayload {
  if (!isText(body.command) || !body.command.startsWith('/'))
    return invalid('the command name must start with /');
  if (!isText(body.user_id) || !isText(body.channel_id) || !isUrl(body.response_url))
    return invalid('a slash command needs user_id, channel_id and a response_url');
  return { kind: 'command', name: body.command, body };
}

function interaction(type: string, body: Body): SlackPayload {
  if (!isObject(body.user) || !isText(body.user.id)) return invalid(`${type} needs a user with an id`);
  for (const field of ['team', 'enterprise'])
    if (body[field] !== undefined && body[field] !== null && !isObject(body[field]))
      return invalid(`${field} must be an object`);
  if (type === 'block_actions') {
    const actions = body.actions;
    if (
      !Array.isArray(actions) ||
      actions.length === 0 ||
      !actions.every((a) => isObject(a) && isText(a.action_id))
    )
      return invalid('block_actions needs actions, each with an action_id');
    if (!isUrl(body.response_url)) return invalid('block_actions needs a response_url');
  }
  if ((type === 'view_submission' || type === 'view_closed') && !isObject(body.view))
    return invalid(`${type} needs a view`);
  return { kind: 'interaction', type, body };
}

/** Why nothing answered a valid payload: no listener took it. */
export function unhandledReason(p: Exclude<SlackPayload, { kind: 'invalid' | 'url_verification' }>): string {
  if (p.kind === 'command') return `tierdesk has no command ${p.name.slice(0, 40)}`;
  if (p.kind === 'interaction') return `tierdesk does not handle this ${p.type}`;
  return 'tierdesk does not handle this request';
}
