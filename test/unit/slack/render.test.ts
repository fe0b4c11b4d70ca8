import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTION_IDS,
  cardActionsBlockId,
  clampBlocks,
  escapeMrkdwn,
  fitText,
  renderCard,
  renderChannelMessage,
  renderDirectMessage,
  renderRich,
  renderThreadReply,
  SLACK_LIMITS,
  type SlackBlock,
  ticketIdFromBlockId,
  truncate,
} from '../../../src/adapters/slack/render.js';
import type { TicketStatus } from '../../../src/domain/ticket.js';
import type { TicketCardView } from '../../../src/ports/chat.js';

const PERMALINK = 'https://northwind.slack.com/archives/C0CUST/p1700000000000100';

function view(over: Partial<TicketCardView> = {}): TicketCardView {
  return {
    ticketId: 42,
    subject: 'SSO login fails for all users',
    excerpt: 'Since 09:00 nobody can log in via Okta.\nError: invalid SAML response.',
    organization: 'Northwind Bank',
    tier: 'enterprise',
    tierLabel: 'Enterprise',
    priority: 'P1',
    domain: 'security',
    status: 'open',
    queueLabel: 'Security specialists',
    requesterName: 'Dana Customer',
    assignee: null,
    customerThread: { platform: 'slack', channelId: 'C0CUST', threadRef: '1700000000.000100' },
    clocks: [
      { clock: 'first_response', state: 'breached', dueAt: 1, text: 'first response breached 8 min ago' },
      { clock: 'resolution', state: 'running', dueAt: 2, text: 'resolution in 3 h 52 min' },
      { clock: 'next_update', state: 'paused', dueAt: null, text: 'next update paused' },
    ],
    slaSummary: 'first response breached 8 min ago',
    reasons: ['tier Enterprise (contract value ≥ 100k)', 'keyword "SAML" → security'],
    escalation: null,
    ...over,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: tests dig into Slack's JSON shape
type Any = Record<string, any>;
const blocksOf = (b: SlackBlock[]): Any[] => b as unknown as Any[];

/** Every mrkdwn/plain text string anywhere in the blocks. */
function allTexts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(allTexts);
  if (node && typeof node === 'object') {
    const o = node as Any;
    const own = typeof o.text === 'string' ? [o.text as string] : [];
    return [
      ...own,
      ...Object.entries(o).flatMap(([k, v]) => (k === 'text' && typeof v === 'string' ? [] : allTexts(v))),
    ];
  }
  return [];
}

function actionsOf(blocks: SlackBlock[]): Any | undefined {
  return blocksOf(blocks).find((b) => b.type === 'actions');
}

function actionIds(blocks: SlackBlock[]): string[] {
  return (actionsOf(blocks)?.elements ?? []).map((e: Any) => e.action_id);
}

/** Checks every Block Kit limit the renderer promises to respect. */
function expectWithinLimits(blocks: SlackBlock[]): void {
  expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
  for (const b of blocksOf(blocks)) {
    if (b.type === 'section') {
      if (b.text) {
        expect(b.text.text.length).toBeGreaterThan(0);
        expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      }
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionField);
      expect((b.fields ?? []).length).toBeLessThanOrEqual(SLACK_LIMITS.sectionFieldsItems);
    }
    if (b.type === 'context') {
      expect(b.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElementsItems);
      for (const e of b.elements) expect(e.text.length).toBeLessThanOrEqual(SLACK_LIMITS.contextText);
    }
    if (b.type === 'actions') {
      expect(b.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.actionsElementsItems);
      for (const e of b.elements) {
        expect(e.action_id.length).toBeLessThanOrEqual(SLACK_LIMITS.actionId);
        if (e.type === 'button') {
          expect(e.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
          expect(e.value.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
        }
      }
    }
  }
}

describe('renderCard', () => {
  it('renders the important blocks of an open, unclaimed P1 card', () => {
    const { text, blocks } = renderCard(view(), { permalink: PERMALINK });
    const b = blocksOf(blocks);

    expect(text).toBe('#42 Enterprise P1 security — Northwind Bank: SSO login fails for all users');
    expect(b.map((x) => x.type)).toEqual([
      'section',
      'section',
      'section',
      'section',
      'context',
      'context',
      'actions',
    ]);

    expect(b[0]?.text.text).toBe(
      '🔴 *#42 · Enterprise · P1 · security*\n*Northwind Bank*: SSO login fails for all users',
    );
    expect(b[1]?.text.text).toBe(
      '> Since 09:00 nobody can log in via Okta.\n> Error: invalid SAML response.',
    );

    const fields = (b[2]!.fields as Any[]).map((f) => f.text);
    expect(fields).toEqual([
      '*Requester*\nDana Customer',
      '*Status*\nOpen',
      '*Assignee*\n_unclaimed_',
      '*Queue*\nSecurity specialists',
      `*Customer thread*\n<${PERMALINK}|customer thread>`,
    ]);

    expect(b[3]?.text.text).toBe('*SLA:* first response breached 8 min ago');
    expect(b[4]?.elements.map((e: Any) => e.text)).toEqual([
      '🚨 first response breached 8 min ago',
      '⏳ resolution in 3 h 52 min',
      '⏸ next update paused',
    ]);
    expect(b[5]?.elements[0].text).toBe(
      '*Why here:* tier Enterprise (contract value ≥ 100k); keyword "SAML" → security',
    );

    const actions = b[6] as Any;
    expect(actions.block_id).toBe(cardActionsBlockId(42));
    expect(ticketIdFromBlockId(actions.block_id)).toBe(42);
    expect(actions.elements.slice(0, 3)).toMatchObject([
      { type: 'button', action_id: ACTION_IDS.claim, value: '42', style: 'primary', text: { text: 'Claim' } },
      {
        type: 'button',
        action_id: ACTION_IDS.escalate,
        value: '42',
        style: 'danger',
        text: { text: 'Escalate' },
      },
      { type: 'button', action_id: ACTION_IDS.resolve, value: '42', text: { text: 'Resolve' } },
    ]);
    expect(actions.elements[1].confirm).toMatchObject({ style: 'danger', confirm: { text: 'Escalate' } });
    expectWithinLimits(blocks);
  });

  it('uses the priority emoji of each priority', () => {
    const emoji = { P1: '🔴', P2: '🟠', P3: '🟡', P4: '⚪' } as const;
    for (const [p, e] of Object.entries(emoji)) {
      const { blocks } = renderCard(view({ priority: p as keyof typeof emoji }), { permalink: null });
      expect(blocksOf(blocks)[0]?.text.text.startsWith(`${e} *#42 · Enterprise · ${p} · security*`)).toBe(
        true,
      );
    }
  });

  it('shows the priority select with P1–P4 and the current priority as initial option', () => {
    const { blocks } = renderCard(view({ priority: 'P3' }), { permalink: null });
    const select = actionsOf(blocks)?.elements.find((e: Any) => e.type === 'static_select');
    expect(select.action_id).toBe(ACTION_IDS.priority);
    expect(select.placeholder.text).toBe('Priority');
    expect(select.options.map((o: Any) => o.value)).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(select.initial_option).toEqual(select.options[2]);
    expect(select.initial_option.value).toBe('P3');
  });

  it.each<[TicketStatus, boolean, string[]]>([
    ['new', false, [ACTION_IDS.claim, ACTION_IDS.escalate, ACTION_IDS.resolve, ACTION_IDS.priority]],
    ['open', false, [ACTION_IDS.claim, ACTION_IDS.escalate, ACTION_IDS.resolve, ACTION_IDS.priority]],
    [
      'waiting_on_customer',
      false,
      [ACTION_IDS.claim, ACTION_IDS.escalate, ACTION_IDS.resolve, ACTION_IDS.priority],
    ],
    ['open', true, [ACTION_IDS.escalate, ACTION_IDS.resolve, ACTION_IDS.priority]],
    ['waiting_on_customer', true, [ACTION_IDS.escalate, ACTION_IDS.resolve, ACTION_IDS.priority]],
    ['resolved', false, []],
    ['resolved', true, []],
    ['closed', true, []],
  ])('status %s, assigned %s → actions %j', (status, assigned, expected) => {
    const assignee = assigned ? { name: 'Sam Agent', platformUserId: 'U123' } : null;
    const { blocks } = renderCard(view({ status, assignee }), { permalink: null });
    expect(actionIds(blocks)).toEqual(expected);
    if (expected.length === 0) expect(actionsOf(blocks)).toBeUndefined();
  });

  it('names statuses in words', () => {
    const words: Record<TicketStatus, string> = {
      new: 'New',
      open: 'Open',
      waiting_on_customer: 'Waiting on customer',
      resolved: 'Resolved',
      closed: 'Closed',
    };
    for (const [status, word] of Object.entries(words)) {
      const { blocks } = renderCard(view({ status: status as TicketStatus }), { permalink: null });
      expect(blocksOf(blocks)[2]?.fields[1].text).toBe(`*Status*\n${word}`);
    }
  });

  it('mentions the assignee by Slack id, else by escaped name', () => {
    const field = (assignee: TicketCardView['assignee']) =>
      blocksOf(renderCard(view({ assignee }), { permalink: null }).blocks)[2]?.fields[2].text;
    expect(field({ name: 'Sam', platformUserId: 'U123' })).toBe('*Assignee*\n<@U123>');
    expect(field({ name: 'Sam <Ops>', platformUserId: null })).toBe('*Assignee*\nSam &lt;Ops&gt;');
    expect(field({ name: 'Sam', platformUserId: '<!channel>' })).toBe('*Assignee*\nSam');
  });

  it('hides Escalate while an escalation is paging and shows its line', () => {
    const paging = { level: 'level 1', status: 'active', text: 'paging level 1, Primary on-call' };
    const { blocks } = renderCard(view({ escalation: paging }), { permalink: null });
    expect(actionIds(blocks)).toEqual([ACTION_IDS.claim, ACTION_IDS.resolve, ACTION_IDS.priority]);
    expect(allTexts(blocks)).toContain('📣 *Escalation:* paging level 1, Primary on-call');

    const acked = renderCard(
      view({
        escalation: { level: 'level 1', status: 'acknowledged', text: 'acknowledged by Jun <W> 10:40 UTC' },
      }),
      { permalink: null },
    );
    expect(actionIds(acked.blocks)).toContain(ACTION_IDS.escalate);
    expect(allTexts(acked.blocks)).toContain('✅ *Escalation:* acknowledged by Jun &lt;W&gt; 10:40 UTC');

    const odd = renderCard(view({ escalation: { level: null, status: 'constructor', text: 'odd' } }), {
      permalink: null,
    });
    expect(allTexts(odd.blocks)).toContain('📣 *Escalation:* odd');
  });

  it('offers Claim only while nobody holds the ticket', () => {
    const claimed = renderCard(view({ assignee: { name: 'Priya', platformUserId: 'U0PRIYA001' } }), {
      permalink: null,
    });
    expect(actionIds(claimed.blocks)).not.toContain(ACTION_IDS.claim);
    expect(actionIds(renderCard(view(), { permalink: null }).blocks)).toContain(ACTION_IDS.claim);
  });

  it('links the customer thread by permalink, else by channel, else by platform', () => {
    const thread = (v: TicketCardView, permalink: string | null) =>
      blocksOf(renderCard(v, { permalink }).blocks)[2]?.fields[4].text;
    expect(thread(view(), 'https://x.slack.com/a?b=1&c=<2>|d')).toBe(
      '*Customer thread*\n<https://x.slack.com/a?b=1&amp;c=%3C2%3E%7Cd|customer thread>',
    );
    expect(thread(view(), null)).toBe('*Customer thread*\nin <#C0CUST>');
    expect(thread(view(), 'javascript:alert(1)')).toBe('*Customer thread*\nin <#C0CUST>');
    const discord = view({ customerThread: { platform: 'discord', channelId: '1234', threadRef: null } });
    expect(thread(discord, null)).toBe('*Customer thread*\non Discord');
  });

  it('escapes customer text so it cannot mention anyone', () => {
    const evil = 'Hey <!channel> and <@U1> & <#C9|general> <https://evil.example|click>';
    const { text, blocks } = renderCard(
      view({
        subject: evil,
        excerpt: evil,
        organization: '<!here> Corp',
        requesterName: '<@U1>',
        reasons: ['<!everyone>'],
        slaSummary: '<!subteam^S1>',
        clocks: [{ clock: 'first_response', state: 'running', dueAt: 1, text: '<@U2>' }],
      }),
      { permalink: null },
    );
    const texts = [text, ...allTexts(blocks)];
    for (const t of texts) {
      expect(t).not.toMatch(/<!|<@U1>|<@U2>|<#C9|<https:\/\/evil/);
    }
    expect(blocksOf(blocks)[0]?.text.text).toContain(
      'Hey &lt;!channel&gt; and &lt;@U1&gt; &amp; &lt;#C9|general&gt;',
    );
    expect(text).toContain('&lt;!here&gt; Corp: Hey &lt;!channel&gt;');
  });

  it('truncates a 10,000-character excerpt to fit a section, at a word boundary', () => {
    const excerpt = 'lorem ipsum <dolor> & sit amet '.repeat(330).slice(0, 10_000);
    const { blocks } = renderCard(view({ excerpt }), { permalink: null });
    const quoted = blocksOf(blocks)[1]?.text.text as string;
    expect(quoted.length).toBeLessThan(3000);
    expect(quoted.startsWith('> lorem ipsum &lt;dolor&gt; &amp; sit amet')).toBe(true);
    expect(quoted.endsWith('…')).toBe(true);
    expect(quoted).not.toMatch(/&(a|am|amp|l|lt|g|gt)?…$/);
    expect(quoted).not.toMatch(/\S(?<!amet|ipsum|sit|&amp;|&gt;|lorem)…$/);
    for (const b of blocksOf(blocks)) {
      if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThan(3000);
    }
  });

  it('quotes every line of a multi-line excerpt, even at 10,000 short lines', () => {
    const { blocks } = renderCard(view({ excerpt: `${'x\n'.repeat(5000)}>` }), { permalink: null });
    const quoted = blocksOf(blocks)[1]?.text.text as string;
    expect(quoted.length).toBeLessThan(3000);
    expect(quoted.split('\n').every((l) => l.startsWith('> '))).toBe(true);
  });

  it('omits the excerpt block when the excerpt is blank', () => {
    const { blocks } = renderCard(view({ excerpt: '  \n ' }), { permalink: null });
    expect(blocksOf(blocks)[1]?.fields).toBeDefined();
  });

  it('never exceeds Block Kit limits, however large the view', () => {
    const huge = 'word '.repeat(4000);
    const { text, blocks } = renderCard(
      view({
        subject: huge,
        excerpt: huge,
        organization: huge,
        tierLabel: huge,
        domain: huge,
        queueLabel: huge,
        requesterName: huge,
        assignee: { name: huge, platformUserId: null },
        slaSummary: huge,
        clocks: Array.from({ length: 40 }, () => ({
          clock: 'resolution' as const,
          state: 'running' as const,
          dueAt: 1,
          text: huge,
        })),
        reasons: Array.from({ length: 1000 }, () => huge),
        escalation: { level: huge, status: huge, text: huge },
      }),
      { permalink: `https://x.slack.com/${'a'.repeat(5000)}` },
    );
    expect(text.length).toBeLessThanOrEqual(3000);
    expectWithinLimits(blocks);
    expect(actionsOf(blocks)).toBeDefined();
  });
});

describe('clampBlocks', () => {
  it('keeps at most 50 blocks and the last (actions) block', () => {
    const blocks = Array.from({ length: 80 }, (_, i) => i);
    const clamped = clampBlocks(blocks);
    expect(clamped).toHaveLength(50);
    expect(clamped.at(-1)).toBe(79);
    expect(clamped.slice(0, 49)).toEqual(blocks.slice(0, 49));
    expect(clampBlocks([1, 2, 3])).toEqual([1, 2, 3]);
  });
});

describe('escapeMrkdwn', () => {
  it('escapes &, < and > and nothing else', () => {
    expect(escapeMrkdwn('a & b <!channel> <@U1> *bold* _it_')).toBe(
      'a &amp; b &lt;!channel&gt; &lt;@U1&gt; *bold* _it_',
    );
    expect(escapeMrkdwn('&amp;')).toBe('&amp;amp;');
  });
});

describe('truncate', () => {
  it('returns short strings unchanged', () => {
    expect(truncate('hello', 5)).toBe('hello');
    expect(truncate('', 0)).toBe('');
  });

  it('cuts at a word boundary and appends an ellipsis', () => {
    expect(truncate('hello wonderful world', 12)).toBe('hello…');
    expect(truncate('hello world again', 12)).toBe('hello world…');
  });

  it('hard-cuts a word with no space nearby', () => {
    expect(truncate('a'.repeat(100), 10)).toBe(`${'a'.repeat(9)}…`);
  });

  it('never splits a surrogate pair', () => {
    const s = '😀'.repeat(10);
    for (let max = 1; max < s.length; max++) {
      const out = truncate(s, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out.endsWith('…')).toBe(true);
      expect(out.slice(0, -1)).toBe('😀'.repeat((out.length - 1) / 2));
    }
  });

  it('handles tiny limits', () => {
    expect(truncate('hello', 1)).toBe('…');
    expect(truncate('hello', 0)).toBe('');
  });
});

describe('fitText', () => {
  const stripEntities = (s: string) => s.replace(/&lt;/g, '').replace(/&gt;/g, '').replace(/&amp;/g, '');

  it('fits escaped text without cutting entities or surrogate pairs', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', ' ', '&', '<', '>', '😀', '\n', 'é'),
      maxLength: 400,
    });
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 300 }), (raw, max) => {
        const out = fitText(raw, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(stripEntities(out)).not.toMatch(/[&<>]/);
        expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
        if (escapeMrkdwn(raw).length <= max) expect(out).toBe(escapeMrkdwn(raw));
      }),
    );
  });

  it('uses most of the budget rather than collapsing', () => {
    const out = fitText('a & b < c > d '.repeat(1000), 2000);
    expect(out.length).toBeLessThanOrEqual(2000);
    expect(out.length).toBeGreaterThan(1800);
  });
});

describe('renderThreadReply', () => {
  it('escapes the text and keeps it within the message limit', () => {
    expect(renderThreadReply('Fixed <!channel> & done')).toEqual({
      text: 'Fixed &lt;!channel&gt; &amp; done',
    });
    expect(renderThreadReply('x'.repeat(50_000)).text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
    expect(renderThreadReply('  ').text).toBe('(no text)');
  });
});

describe('renderChannelMessage', () => {
  const body = {
    kind: 'channel_message' as const,
    channelId: 'C0QUEUE',
    text: 'Ticket #42 breached first response <!here>',
    mentions: ['alice'],
    ticketId: 42,
    inCardThread: false,
  };

  it('prefixes Slack mentions and escapes the text', () => {
    expect(renderChannelMessage(body, ['U1', 'W2', 'U1'])).toEqual({
      text: '<@U1> <@W2> Ticket #42 breached first response &lt;!here&gt;',
    });
  });

  it('drops ids that are not Slack user ids', () => {
    expect(renderChannelMessage(body, ['<!channel>', 'alice', 'U9']).text).toBe(
      '<@U9> Ticket #42 breached first response &lt;!here&gt;',
    );
    expect(renderChannelMessage(body, []).text).toBe('Ticket #42 breached first response &lt;!here&gt;');
  });
});

describe('renderDirectMessage', () => {
  const page = {
    kind: 'direct_message' as const,
    userId: 'U1',
    text: 'You are paged for #42 <Northwind>',
    ticketId: 42 as number | null,
    actions: ['acknowledge' as const],
  };

  it('adds an Acknowledge button carrying the ticket id', () => {
    const { text, blocks } = renderDirectMessage(page);
    expect(text).toBe('You are paged for #42 &lt;Northwind&gt;');
    expect(blocksOf(blocks)).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'You are paged for #42 &lt;Northwind&gt;' } },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ACTION_IDS.acknowledge,
            text: { type: 'plain_text', text: 'Acknowledge', emoji: true },
            value: '42',
            style: 'primary',
          },
        ],
      },
    ]);
  });

  it('has no button without the acknowledge action or without a ticket', () => {
    expect(renderDirectMessage({ ...page, actions: [] }).blocks).toHaveLength(1);
    expect(renderDirectMessage({ ...page, ticketId: null }).blocks).toHaveLength(1);
  });

  it('keeps a long text within one section', () => {
    const { blocks } = renderDirectMessage({ ...page, text: 'page '.repeat(2000) });
    expectWithinLimits(blocks);
  });

  it('gives each of several pages in one DM its own section and Acknowledge button', () => {
    const pages = [42, 43, 44].map((id) => ({ ticketId: id, text: `#${id} Enterprise P1 <db> down` }));
    const body = {
      ...page,
      ticketId: null,
      text: ['🚨 3 pages at once.', ...pages.map((p) => p.text)].join('\n'),
      pages,
    };
    const { text, blocks } = renderDirectMessage(body);
    expect(text.split('\n')).toHaveLength(4);
    expect(blocksOf(blocks)).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '🚨 3 pages at once.' } },
      ...[42, 43, 44].map((id) => ({
        type: 'section',
        text: { type: 'mrkdwn', text: `#${id} Enterprise P1 &lt;db&gt; down` },
        accessory: {
          type: 'button',
          action_id: ACTION_IDS.acknowledge,
          text: { type: 'plain_text', text: `Acknowledge #${id}`, emoji: true },
          value: String(id),
          style: 'primary',
        },
      })),
    ]);
    expectWithinLimits(blocks);
  });

  it('once acknowledged, says who and when in place of the button', () => {
    const { text, blocks } = renderDirectMessage(page, [
      { ticketId: 42, text: 'acknowledged by Jun <Watanabe> 10:40 UTC' },
    ]);
    expect(text).toBe('You are paged for #42 &lt;Northwind&gt;');
    expect(blocksOf(blocks)).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'You are paged for #42 &lt;Northwind&gt;' } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: '✅ acknowledged by Jun &lt;Watanabe&gt; 10:40 UTC' }],
      },
    ]);
    expect(actionIds(blocks)).toEqual([]);
  });

  it('in a DM of several pages, only the acknowledged ticket loses its button', () => {
    const pages = [42, 43, 44].map((id) => ({ ticketId: id, text: `#${id} Enterprise P1 down` }));
    const body = { ...page, ticketId: null, text: '🚨 3 pages at once.', pages };
    const { blocks } = renderDirectMessage(body, [{ ticketId: 43, text: 'acknowledged by Jun 10:40 UTC' }]);
    const sections = blocksOf(blocks).slice(1);
    expect(sections.map((b) => b.accessory?.value ?? null)).toEqual(['42', null, '44']);
    expect(sections[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '#43 Enterprise P1 down\n✅ acknowledged by Jun 10:40 UTC' },
    });
    expectWithinLimits(blocks);
  });
});

describe('renderRich', () => {
  it('writes bold as mrkdwn, mentions Slack users and escapes everything else', () => {
    expect(
      renderRich([
        { bold: 'sre-*primary*' },
        ': ',
        { mention: 'U0JUN00001', name: 'Jun' },
        ' until 10:00 UTC <!channel>, then ',
        { mention: null, name: 'Lena <L>' },
        ' and ',
        { mention: '<!here>', name: 'Odd' },
      ]),
    ).toBe('*sre-primary*: <@U0JUN00001> until 10:00 UTC &lt;!channel&gt;, then Lena &lt;L&gt; and Odd');
  });
});

describe('ticketIdFromBlockId', () => {
  it('parses only our block ids', () => {
    expect(ticketIdFromBlockId('tierdesk_card:7')).toBe(7);
    expect(ticketIdFromBlockId('tierdesk_card:07')).toBeNull();
    expect(ticketIdFromBlockId('tierdesk_card:')).toBeNull();
    expect(ticketIdFromBlockId('other:7')).toBeNull();
  });
});
