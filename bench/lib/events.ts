/** The inbound event streams the ack and memory figures send, so both say exactly what they were. */
import { messageEvent, reactionAddedEvent } from '../../test/fakes/slack/signed-request.js';
import { CUSTOMER, CUSTOMER_CHANNEL, CUSTOMER_TEAM, callback, customerMessage, uniqueTs } from './slack.js';

export interface Inbound {
  body: string;
  headers?: Record<string, string>;
}

const customerEvent = (text: string, extra: { thread_ts?: string; ts?: string } = {}) =>
  callback(
    messageEvent({
      channel: CUSTOMER_CHANNEL,
      user: CUSTOMER,
      user_team: CUSTOMER_TEAM,
      team: CUSTOMER_TEAM,
      text,
      ts: extra.ts ?? uniqueTs(),
      ...(extra.thread_ts ? { thread_ts: extra.thread_ts } : {}),
    }),
  );

/**
 * A realistic busy support channel, for the ack figure: of every 4 events, 2 are customers' new
 * questions (each opens a ticket: triage, routing, card and reply queued and then delivered),
 * 1 is a customer's reply in the thread of an open ticket, 1 is channel noise (a join).
 */
export function supportTraffic(): (i: number) => Inbound {
  let lastThread = '';
  return (i) => {
    switch (i % 4) {
      case 0:
      case 1: {
        const m = customerMessage(`Production down: the payments api returns 502 (${i})`);
        lastThread = m.ts;
        return { body: m.body };
      }
      case 2:
        return { body: customerEvent(`Still failing, request id ${i}`, { thread_ts: lastThread }) };
      default:
        return {
          body: callback(
            messageEvent({
              channel: CUSTOMER_CHANNEL,
              user: CUSTOMER,
              text: '',
              ts: uniqueTs(),
              subtype: 'channel_join',
            }),
          ),
        };
    }
  };
}

/**
 * The memory figure's stream: events the bot must take in, check and handle, most of them cheap.
 * Of every 100: 40 small talk in a linked channel (signature, Bolt, author lookup, small-talk check),
 * 20 channel noise (joins, bot posts), 20 reactions other than 🎫, 19 Slack retries of earlier
 * events (X-Slack-Retry-Num), and 1 redelivery of a message that opened a ticket (openTicket runs
 * and finds the duplicate in the database). The first `tickets` events open real tickets.
 */
export function cheapTraffic(tickets: number): (i: number) => Inbound {
  const opened: string[] = [];
  let previous = '';
  return (i) => {
    if (i < tickets) {
      const m = customerMessage(`SSO login fails for all our users (${i})`);
      opened.push(m.body);
      return { body: m.body };
    }
    const k = i % 100;
    let body: string;
    if (k < 40) body = customerEvent(['thanks!', 'ok', 'hi team', 'thank you so much', '👍'][i % 5]!);
    else if (k < 50)
      body = callback(
        messageEvent({
          channel: CUSTOMER_CHANNEL,
          user: CUSTOMER,
          text: '',
          ts: uniqueTs(),
          subtype: 'channel_join',
        }),
      );
    else if (k < 60)
      body = callback(
        messageEvent({
          channel: CUSTOMER_CHANNEL,
          user: 'U0OTHERBOT',
          bot_id: 'B0OTHER',
          text: 'deploy ok',
          ts: uniqueTs(),
        }),
      );
    else if (k < 80)
      body = callback(
        reactionAddedEvent({
          user: CUSTOMER,
          reaction: 'eyes',
          item: { type: 'message', channel: CUSTOMER_CHANNEL, ts: uniqueTs() },
        }),
      );
    else if (k < 99 && previous)
      return {
        body: previous,
        headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
      };
    else if (opened.length > 0)
      return {
        body: opened[i % opened.length]!,
        headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_error' },
      };
    else body = customerEvent('ok');
    previous = body;
    return { body };
  };
}
