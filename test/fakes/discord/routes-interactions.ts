import { gatewayMessage } from './events.js';
import { modalProblem } from './modals.js';
import { iso, type Json, messagePayload, userPayload } from './payloads.js';
import { json, notFound, type RestRouter, type RouteContext, type RouteResult } from './rest.js';
import {
  botMessage,
  type FakeContext,
  isResult,
  messageFields,
  postMessage,
  unknownMessage,
} from './routes-channels.js';
import { snowflake } from './snowflake.js';
import type { InteractionRecord } from './state.js';

export interface InteractionCallback {
  interactionId: string;
  token: string;
  /** 1 pong, 4 message, 5 deferred message, 6 deferred update, 7 update, 8 autocomplete, 9 modal. */
  type: number;
  data: Json | null;
  at: number;
}

const EPHEMERAL = 64;
const LOADING = 128;
const isEphemeral = (m: Json): boolean => (Number(m.flags ?? 0) & EPHEMERAL) !== 0;

/** Interaction callbacks, webhook follow-ups / @original edits, application commands. */
export function interactionRoutes(
  router: RestRouter,
  ctx: FakeContext,
  callbacks: InteractionCallback[],
): void {
  const { state } = ctx;
  const bot = { ...state.bot, bot: true };
  const unknownWebhook = (): RouteResult => notFound(10015, 'Unknown Webhook');
  const withToken = (r: RouteContext, fn: (i: InteractionRecord) => RouteResult): RouteResult => {
    const interaction = state.interactions.get(r.params[1] ?? '');
    return interaction && r.params[0] === state.applicationId ? fn(interaction) : unknownWebhook();
  };
  /** The `interaction_metadata` Discord puts on response messages (and, with the original's id, follow-ups). */
  const metadata = (i: InteractionRecord, followUp = false): Json => ({
    id: i.id,
    type: i.type,
    user: userPayload(state.user(i.userId)),
    authorizing_integration_owners: i.guildId ? { '0': i.guildId } : { '1': i.userId },
    ...(followUp && i.originalId ? { original_response_message_id: i.originalId } : {}),
    ...(i.messageId ? { interacted_message_id: i.messageId } : {}),
  });
  /** `@original` is the callback's message, or the component's message after type 6/7. */
  const resolveMessage = (i: InteractionRecord, mid: string): Json | undefined => {
    const id = mid === '@original' ? (i.originalId ?? i.messageId) : mid;
    return id ? state.findMessage(id) : undefined;
  };
  /** Ephemeral messages stay out of channel history (and the gateway); the others are echoed. */
  const store = (m: Json): RouteResult => {
    if (!isEphemeral(m)) return postMessage(ctx, m);
    state.ephemeral.set(String(m.id), m);
    return json(200, m);
  };

  router.on('POST', '/interactions/:id/:token/callback', (r) => {
    const [id = '', token = ''] = r.params;
    const interaction = state.interactions.get(token);
    if (!interaction || interaction.id !== id) return notFound(10062, 'Unknown interaction');
    const type = Number(r.body.type);
    const data = (r.body.data as Json | undefined) ?? null;
    if (callbacks.some((c) => c.token === token)) {
      return json(400, { code: 40060, message: 'Interaction has already been acknowledged.' });
    }
    const badModal = type === 9 ? modalProblem(data) : null;
    if (badModal) return json(400, { code: 50035, message: 'Invalid Form Body', errors: badModal });
    callbacks.push({ interactionId: id, token, type, data, at: Date.now() });
    let message: Json | undefined;
    let after: (() => void) | undefined;
    if (type === 4 || type === 5) {
      const extra = {
        webhook_id: state.applicationId,
        application_id: state.applicationId,
        type: interaction.type === 2 ? 20 : 0,
        interaction_metadata: metadata(interaction),
      };
      const built =
        type === 5
          ? {
              ...messagePayload({ id: snowflake(), channelId: interaction.channelId, author: bot }),
              ...extra,
              flags: Number(data?.flags ?? 0) | LOADING,
            }
          : botMessage(ctx, interaction.channelId, data ?? {}, extra);
      if (isResult(built)) {
        callbacks.pop();
        return built;
      }
      message = built;
      interaction.originalId = String(built.id);
      after = store(built).after;
    } else if (type === 7 && interaction.messageId) {
      message = state.findMessage(interaction.messageId);
      if (message) {
        Object.assign(message, messageFields(data ?? {}), { edited_timestamp: iso() });
        const edited = message;
        after = () => ctx.dispatch('MESSAGE_UPDATE', gatewayMessage(state, edited));
      }
    }
    if (r.query.get('with_response') !== 'true') return json(204, undefined, after);
    return json(
      200,
      {
        interaction: {
          id,
          type: interaction.type,
          activity_instance_id: null,
          response_message_id: message?.id ?? null,
          response_message_loading: type === 5,
          response_message_ephemeral: message ? isEphemeral(message) : false,
        },
        resource: message ? { type, message } : { type },
      },
      after,
    );
  });

  router
    .on('POST', '/webhooks/:app/:token', (r) =>
      withToken(r, (i) => {
        const built = botMessage(ctx, i.channelId, r.body, {
          webhook_id: state.applicationId,
          application_id: state.applicationId,
          interaction_metadata: metadata(i, true),
        });
        if (isResult(built)) return built;
        const result = store(built);
        return r.query.get('wait') === 'false' ? json(204, undefined, result.after) : result;
      }),
    )
    .on('PATCH', '/webhooks/:app/:token', (r) =>
      withToken(r, () => json(200, { id: state.applicationId, type: 3, name: state.bot.username })),
    )
    .on('GET', '/webhooks/:app/:token/messages/:mid', (r) =>
      withToken(r, (i) => {
        const m = resolveMessage(i, r.params[2] ?? '');
        return m ? json(200, m) : unknownMessage();
      }),
    )
    .on('PATCH', '/webhooks/:app/:token/messages/:mid', (r) =>
      withToken(r, (i) => {
        const m = resolveMessage(i, r.params[2] ?? '');
        if (!m) return unknownMessage();
        const wasLoading = (Number(m.flags ?? 0) & LOADING) !== 0;
        Object.assign(m, messageFields(r.body), { edited_timestamp: wasLoading ? null : iso() });
        m.flags = Number(m.flags ?? 0) & ~LOADING;
        return json(200, m, () => {
          if (!isEphemeral(m)) ctx.dispatch('MESSAGE_UPDATE', gatewayMessage(state, m));
        });
      }),
    )
    .on('DELETE', '/webhooks/:app/:token/messages/:mid', (r) =>
      withToken(r, (i) => {
        const m = resolveMessage(i, r.params[2] ?? '');
        if (!m) return unknownMessage();
        state.removeMessage(String(m.channel_id), String(m.id));
        state.ephemeral.delete(String(m.id));
        return json(204);
      }),
    );

  const commandKey = (r: RouteContext): string => r.params[1] ?? 'global';
  const toCommand = (r: RouteContext, raw: Json, existing: Json[]): Json => {
    const previous = existing.find((c) => c.name === raw.name && (c.type ?? 1) === (raw.type ?? 1));
    return {
      type: 1,
      description: '',
      options: [],
      default_member_permissions: null,
      nsfw: false,
      contexts: null,
      integration_types: [0],
      ...raw,
      id: previous?.id ?? snowflake(),
      application_id: state.applicationId,
      version: snowflake(),
      ...(r.params[1] ? { guild_id: r.params[1] } : {}),
    };
  };
  const bulk = (r: RouteContext): RouteResult => {
    if (r.params[0] !== state.applicationId) return notFound(10002, 'Unknown Application');
    const existing = state.commands.get(commandKey(r)) ?? [];
    const list = Array.isArray(r.raw) ? (r.raw as Json[]) : [];
    const commands = list.map((raw) => toCommand(r, raw, existing));
    state.commands.set(commandKey(r), commands);
    return json(200, commands);
  };
  const list = (r: RouteContext): RouteResult => json(200, state.commands.get(commandKey(r)) ?? []);
  const create = (r: RouteContext): RouteResult => {
    const existing = state.commands.get(commandKey(r)) ?? [];
    const command = toCommand(r, r.body, existing);
    state.commands.set(commandKey(r), [...existing.filter((c) => c.id !== command.id), command]);
    return json(201, command);
  };
  router
    .on('PUT', '/applications/:app/commands', bulk)
    .on('PUT', '/applications/:app/guilds/:gid/commands', bulk)
    .on('GET', '/applications/:app/commands', list)
    .on('GET', '/applications/:app/guilds/:gid/commands', list)
    .on('POST', '/applications/:app/commands', create)
    .on('POST', '/applications/:app/guilds/:gid/commands', create);
}
