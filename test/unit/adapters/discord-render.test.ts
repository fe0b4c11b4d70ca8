import { describe, expect, it } from 'vitest';
import {
  CUSTOM_IDS,
  parseCustomId,
  renderCard,
  renderDirectMessage,
  renderRich,
} from '../../../src/adapters/discord/render.js';
import type { TicketCardView } from '../../../src/ports/chat.js';

describe('Discord renderDirectMessage', () => {
  const page = {
    kind: 'direct_message' as const,
    userId: '111',
    text: 'Page for #42',
    ticketId: 42 as number | null,
    actions: ['acknowledge' as const],
  };

  it('gives a page one Acknowledge button and mentions nobody', () => {
    const r = renderDirectMessage(page);
    expect(r.content).toBe('Page for #42');
    expect(r.allowed_mentions).toEqual({ parse: [], users: [] });
    expect('components' in r && r.components).toEqual([
      {
        type: 1,
        components: [{ type: 2, style: 1, label: 'Acknowledge', custom_id: `${CUSTOM_IDS.acknowledge}:42` }],
      },
    ]);
  });

  it('gives each of several pages its button, five to a row, each parsed back to its ticket', () => {
    const pages = Array.from({ length: 7 }, (_, i) => ({ ticketId: 100 + i, text: `#${100 + i} down` }));
    const r = renderDirectMessage({ ...page, ticketId: null, text: 'pages', pages });
    const rows = ('components' in r && r.components) || [];
    expect(rows.map((row) => row.components.length)).toEqual([5, 2]);
    const ids = rows.flatMap((row) =>
      row.components.map((c) => parseCustomId((c as { custom_id: string }).custom_id)),
    );
    expect(ids).toEqual(pages.map((p) => ({ action: 'acknowledge', ticketId: p.ticketId })));
  });

  it('has no button without the acknowledge action or without a ticket', () => {
    expect('components' in renderDirectMessage({ ...page, actions: [] })).toBe(false);
    expect('components' in renderDirectMessage({ ...page, ticketId: null })).toBe(false);
  });

  it('once acknowledged, says who and when and drops the button (an empty list, so the edit removes it)', () => {
    const r = renderDirectMessage(page, [{ ticketId: 42, text: 'acknowledged by Jun Watanabe 10:40 UTC' }]);
    expect(r.content).toBe('Page for #42\n✅ acknowledged by Jun Watanabe 10:40 UTC');
    expect('components' in r && r.components).toEqual([]);
  });

  it('in a DM of several pages, only the acknowledged ticket loses its button', () => {
    const pages = [7, 8, 9].map((id) => ({ ticketId: id, text: `#${id} down` }));
    const r = renderDirectMessage({ ...page, ticketId: null, text: 'pages', pages }, [
      { ticketId: 8, text: 'acknowledged by Jun Watanabe 10:40 UTC' },
    ]);
    expect(r.content).toBe('pages\n✅ #8 acknowledged by Jun Watanabe 10:40 UTC');
    const ids = (('components' in r && r.components) || []).flatMap((row) =>
      row.components.map((c) => parseCustomId((c as { custom_id: string }).custom_id)?.ticketId),
    );
    expect(ids).toEqual([7, 9]);
  });

  it('keeps the acknowledgement whole when the page fills the message', () => {
    const r = renderDirectMessage({ ...page, text: 'x'.repeat(5000) }, [
      { ticketId: 42, text: 'acknowledged by Jun Watanabe 10:40 UTC' },
    ]);
    expect(r.content.length).toBeLessThanOrEqual(2000);
    expect(r.content.endsWith('\n✅ acknowledged by Jun Watanabe 10:40 UTC')).toBe(true);
  });
});

describe('Discord renderRich', () => {
  it('writes bold as markdown, mentions Discord users and escapes everything else', () => {
    expect(
      renderRich([
        { bold: 'sre_primary' },
        ': ',
        { mention: '1400000000000000002', name: 'Marco' },
        ' until *soon* @everyone, then ',
        { mention: null, name: 'Lena' },
      ]),
    ).toBe('**sre\\_primary**: <@1400000000000000002> until \\*soon\\* @\u200beveryone, then Lena');
  });
});

describe('Discord renderCard', () => {
  it("shows the escalation's line", () => {
    const view = {
      ticketId: 1,
      subject: 's',
      excerpt: 'e',
      organization: 'o',
      tier: 't',
      tierLabel: 'T',
      priority: 'P1',
      domain: 'd',
      status: 'open',
      queueLabel: 'q',
      requesterName: 'r',
      assignee: { name: 'Priya', platformUserId: null },
      customerThread: { platform: 'discord', channelId: '1', threadRef: null },
      clocks: [],
      slaSummary: '',
      reasons: [],
      escalation: {
        level: 'level 1',
        status: 'acknowledged',
        text: 'acknowledged by Jun Watanabe 10:40 UTC',
      },
    } satisfies TicketCardView;
    const card = renderCard(view, { threadLink: null });
    expect(card.embeds[0]!.fields.find((f) => f.name === 'Escalation')?.value).toBe(
      'acknowledged by Jun Watanabe 10:40 UTC',
    );
    // Claimed: no Claim button.
    const labels = card.components[0]!.components.map((c) => (c as { label: string }).label);
    expect(labels).toEqual(['Escalate', 'Resolve']);
  });
});
