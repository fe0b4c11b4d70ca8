import { describe, expect, it } from 'vitest';
import { shareQueueNotices } from '../../../src/app/shared/sla-consequences.js';
import type { OutboundMessage } from '../../../src/ports/outbound.js';

function notice(
  ticketId: number,
  channelId = 'C1',
  key = `ticket:${ticketId}:sla:first_response:warn:0.5:1`,
): OutboundMessage {
  return {
    key,
    platform: 'slack',
    orderingKey: `ticket:${ticketId}`,
    body: {
      kind: 'channel_message',
      channelId,
      text: `⚠️ #${ticketId} due soon`,
      mentions: [],
      ticketId,
      inCardThread: false,
    },
  };
}
const card = (ticketId: number): OutboundMessage => ({
  key: `ticket:${ticketId}:card:v2`,
  platform: 'slack',
  orderingKey: `ticket:${ticketId}`,
  body: { kind: 'ticket_card', channelId: 'C1', ticketId },
});

describe('shareQueueNotices', () => {
  it('leaves a lone notice, cards and replies as they are', () => {
    const entries = [
      { ticketId: 1, messages: [notice(1), card(1)] },
      { ticketId: 2, messages: [notice(2, 'C2'), card(2)] },
    ];
    const r = shareQueueNotices(entries);
    expect(r.shared).toEqual([]);
    expect(r.entries).toEqual(entries);
  });

  it("shares one channel's notices ten to a message; a lone last one goes as itself", () => {
    const entries = Array.from({ length: 11 }, (_, i) => ({
      ticketId: i + 1,
      messages: [notice(i + 1), card(i + 1)],
    }));
    const r = shareQueueNotices(entries);
    expect(r.shared).toHaveLength(1);
    const body = r.shared[0]!.body as Extract<OutboundMessage['body'], { kind: 'channel_message' }>;
    expect(body.text.split('\n')).toEqual([
      '🕒 10 SLA notices:',
      ...Array.from({ length: 10 }, (_, i) => `⚠️ #${i + 1} due soon`),
    ]);
    expect(body.channelId).toBe('C1');
    expect(r.entries.map((e) => e.messages.map((m) => m.body.kind))).toEqual([
      ...Array(10).fill(['ticket_card']),
      ['channel_message', 'ticket_card'],
    ]);
  });

  it('gives the shared message a key of its notices: the same notices, the same key; others, another', () => {
    const a = shareQueueNotices([1, 2].map((id) => ({ ticketId: id, messages: [notice(id)] })));
    const again = shareQueueNotices([1, 2].map((id) => ({ ticketId: id, messages: [notice(id)] })));
    const other = shareQueueNotices([1, 3].map((id) => ({ ticketId: id, messages: [notice(id)] })));
    expect(a.shared[0]!.key).toMatch(/^sla-notices:[0-9a-f]{32}$/);
    expect(again.shared[0]!.key).toBe(a.shared[0]!.key);
    expect(other.shared[0]!.key).not.toBe(a.shared[0]!.key);
  });

  it('does not share notices in a card thread or messages that are not SLA notices', () => {
    const thread = {
      ...notice(1),
      body: { ...(notice(1).body as object), inCardThread: true },
    } as OutboundMessage;
    const page = notice(2, 'C1', 'ticket:2:esc:5:l0:a1:queue');
    const r = shareQueueNotices([
      { ticketId: 1, messages: [thread] },
      { ticketId: 2, messages: [page] },
      { ticketId: 3, messages: [notice(3)] },
    ]);
    expect(r.shared).toEqual([]);
  });
});
