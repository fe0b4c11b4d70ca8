import { describe, expect, it } from 'vitest';
import {
  CUSTOM_IDS,
  parseCustomId,
  renderDirectMessage,
  renderRich,
} from '../../../src/adapters/discord/render.js';

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
