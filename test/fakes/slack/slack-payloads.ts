import { randomBytes } from 'node:crypto';
import { freshEventId, freshTs } from './slack-events.js';
import { SLACK_DEFAULTS } from './types.js';

type Json = Record<string, unknown>;

/** The legacy verification token Slack still puts in payloads; Bolt ignores it. */
const VERIFICATION_TOKEN = 'fakeVerificationToken0001';

export interface SlackAuthorization {
  enterprise_id: string | null;
  team_id: string;
  user_id: string;
  is_bot: boolean;
  is_enterprise_install: boolean;
}

export interface EventCallbackOpts {
  teamId: string;
  event: Json;
  eventId?: string;
  /** Seconds since the epoch. */
  eventTime?: number;
  authorizations?: SlackAuthorization[];
  /** Bot user of the default authorization. */
  botUserId?: string;
  apiAppId?: string;
  isExtSharedChannel?: boolean;
}

/** JSON body of an Events API `event_callback` envelope. */
export function eventCallback(o: EventCallbackOpts): string {
  const apiAppId = o.apiAppId ?? SLACK_DEFAULTS.appId;
  const authorizations = o.authorizations ?? [
    {
      enterprise_id: null,
      team_id: o.teamId,
      user_id: o.botUserId ?? SLACK_DEFAULTS.botUserId,
      is_bot: true,
      is_enterprise_install: false,
    },
  ];
  const context = { et: o.event.type, tid: o.teamId, aid: apiAppId, cid: o.event.channel };
  return JSON.stringify({
    token: VERIFICATION_TOKEN,
    team_id: o.teamId,
    context_team_id: o.teamId,
    context_enterprise_id: null,
    api_app_id: apiAppId,
    event: o.event,
    type: 'event_callback',
    event_id: o.eventId ?? freshEventId(),
    event_time: o.eventTime ?? Math.floor(Date.now() / 1000),
    authorizations,
    is_ext_shared_channel: o.isExtSharedChannel ?? false,
    event_context: `4-${Buffer.from(JSON.stringify(context)).toString('base64url')}`,
  });
}

/** JSON body of the `url_verification` handshake. */
export function urlVerification(challenge: string): string {
  return JSON.stringify({ token: VERIFICATION_TOKEN, challenge, type: 'url_verification' });
}

function freshTriggerId(): string {
  const digits = () => String(Math.floor(Math.random() * 1e12));
  return `${digits()}.${digits()}.${randomBytes(16).toString('hex')}`;
}

function channelName(channelId: string): string {
  return channelId.startsWith('D') ? 'directmessage' : channelId.toLowerCase();
}

export interface SlashCommandOpts {
  command: string;
  text: string;
  userId: string;
  teamId: string;
  channelId: string;
  responseUrl: string;
  triggerId?: string;
  userName?: string;
  channelName?: string;
  teamDomain?: string;
  apiAppId?: string;
}

/** Form-encoded body of a slash command, fields in the order Slack sends them. */
export function slashCommand(o: SlashCommandOpts): string {
  return new URLSearchParams([
    ['token', VERIFICATION_TOKEN],
    ['team_id', o.teamId],
    ['team_domain', o.teamDomain ?? SLACK_DEFAULTS.teamDomain],
    ['channel_id', o.channelId],
    ['channel_name', o.channelName ?? channelName(o.channelId)],
    ['user_id', o.userId],
    ['user_name', o.userName ?? o.userId.toLowerCase()],
    ['command', o.command],
    ['text', o.text],
    ['api_app_id', o.apiAppId ?? SLACK_DEFAULTS.appId],
    ['is_enterprise_install', 'false'],
    ['response_url', o.responseUrl],
    ['trigger_id', o.triggerId ?? freshTriggerId()],
  ]).toString();
}

export interface BlockActionInput {
  action_id: string;
  block_id?: string;
  value?: string;
  type: 'button' | 'static_select';
  /** Button label. */
  text?: string;
  selected_option?: { value: string; text: string };
}

export interface BlockActionsOpts {
  userId: string;
  teamId: string;
  channelId: string;
  messageTs: string;
  actions: BlockActionInput[];
  responseUrl: string;
  threadTs?: string;
  userName?: string;
  channelName?: string;
  triggerId?: string;
  teamDomain?: string;
  apiAppId?: string;
  botUserId?: string;
  botId?: string;
  /** Fields merged over the default message (the bot's post carrying the blocks). */
  message?: Json;
  /** `state.values` of the message's input blocks. */
  stateValues?: Json;
}

function plain(text: string): Json {
  return { type: 'plain_text', text, emoji: true };
}

function toAction(a: BlockActionInput, actionTs: string): Json {
  const head = { action_id: a.action_id, block_id: a.block_id ?? randomBytes(3).toString('hex') };
  if (a.type === 'static_select') {
    const option = a.selected_option ?? { value: a.value ?? '', text: a.value ?? '' };
    const selected = { text: plain(option.text), value: option.value };
    return { type: 'static_select', ...head, selected_option: selected, action_ts: actionTs };
  }
  const value = a.value === undefined ? {} : { value: a.value };
  return { ...head, text: plain(a.text ?? a.action_id), ...value, type: 'button', action_ts: actionTs };
}

/** Form-encoded `payload=<json>` of a `block_actions` interaction on a message. */
export function blockActions(o: BlockActionsOpts): string {
  const userName = o.userName ?? o.userId.toLowerCase();
  const thread = o.threadTs ? { thread_ts: o.threadTs } : {};
  const message = {
    type: 'message',
    user: o.botUserId ?? SLACK_DEFAULTS.botUserId,
    bot_id: o.botId ?? SLACK_DEFAULTS.botId,
    app_id: o.apiAppId ?? SLACK_DEFAULTS.appId,
    text: '',
    ts: o.messageTs,
    team: o.teamId,
    blocks: [],
    ...thread,
    ...o.message,
  };
  const actionTs = freshTs();
  const payload = {
    type: 'block_actions',
    user: { id: o.userId, username: userName, name: userName, team_id: o.teamId },
    api_app_id: o.apiAppId ?? SLACK_DEFAULTS.appId,
    token: VERIFICATION_TOKEN,
    container: {
      type: 'message',
      message_ts: o.messageTs,
      channel_id: o.channelId,
      is_ephemeral: false,
      ...thread,
    },
    trigger_id: o.triggerId ?? freshTriggerId(),
    team: { id: o.teamId, domain: o.teamDomain ?? SLACK_DEFAULTS.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: o.channelId, name: o.channelName ?? channelName(o.channelId) },
    message,
    state: { values: o.stateValues ?? {} },
    response_url: o.responseUrl,
    actions: o.actions.map((a) => toAction(a, actionTs)),
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface ViewSubmissionOpts {
  userId: string;
  teamId: string;
  /** The view as stored by the fake, `state.values` filled in (see FakeSlack.viewSubmission). */
  view: Json;
  userName?: string;
  teamDomain?: string;
  apiAppId?: string;
}

/** Form-encoded `payload=<json>` of a `view_submission`: a person submitted a modal. */
export function viewSubmission(o: ViewSubmissionOpts): string {
  const userName = o.userName ?? o.userId.toLowerCase();
  const payload = {
    type: 'view_submission',
    team: { id: o.teamId, domain: o.teamDomain ?? SLACK_DEFAULTS.teamDomain },
    user: { id: o.userId, username: userName, name: userName, team_id: o.teamId },
    api_app_id: o.apiAppId ?? SLACK_DEFAULTS.appId,
    token: VERIFICATION_TOKEN,
    trigger_id: freshTriggerId(),
    view: o.view,
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
