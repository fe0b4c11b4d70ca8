// One message in a channel or thread: author and time, its card or text, its Acknowledge buttons
// (one per ticket paged) and, in a channel, the link to its thread. Rendered with textContent only.

import { cardView } from './card.js';
import { fmtTime } from './clocks.js';
import { h } from './dom.js';
import type { Message } from './types.js';

export interface MessageContext {
  /** The persona the workspace is viewed as. */
  me: string;
  bot: string;
  personName(id: string): string;
  now(): number;
  replies(messageId: number): number;
  act(action: string, ticketId: number, value: string, channel: string): void;
  showThread(messageId: number): void;
  /** Opens a ticket's customer thread (its root message id, when it is one of ours). */
  openCustomerThread(channelId: string, root: number | null): void;
}

/**
 * A page's Acknowledge, or one per ticket when several pages share the message; `done` is who
 * acknowledged it and when, once someone has (the message is edited then).
 */
function acknowledgements(m: Message): Array<{ ticketId: number; label: string; done: string | null }> {
  if (!m.payload?.actions?.includes('acknowledge')) return [];
  const done = new Map((m.payload.acknowledged ?? []).map((a) => [a.ticketId, a.text]));
  const several = (m.payload.pages?.length ?? 0) > 0;
  const ids = several ? m.payload.pages!.map((p) => p.ticketId) : m.ticketId !== null ? [m.ticketId] : [];
  return ids.map((ticketId) => ({
    ticketId,
    label: several ? `Acknowledge #${ticketId}` : 'Acknowledge',
    done: done.has(ticketId) ? `✅ ${several ? `#${ticketId} ` : ''}${done.get(ticketId)}` : null,
  }));
}

/** Acknowledge buttons, and for the pages already acknowledged, who did it and when instead. */
function pageControls(m: Message, ctx: MessageContext): HTMLElement[] {
  return acknowledgements(m).map(({ ticketId, label, done }) => {
    if (done !== null)
      return h('span', { class: 'acknowledged', 'data-acknowledged': String(ticketId) }, done);
    const b = h('button', { type: 'button', class: 'primary', 'data-action': 'acknowledge' }, label);
    b.addEventListener('click', () => ctx.act('acknowledge', ticketId, '', m.channel));
    return b;
  });
}

export function messageView(m: Message, inThread: boolean, ctx: MessageContext): HTMLElement {
  const mine = m.author === ctx.me;
  const el = h('div', {
    class: `msg${m.author === ctx.bot ? ' bot' : ''}${mine ? ' mine' : ''}`,
    'data-message': String(m.id),
  });
  el.append(
    h(
      'div',
      { class: 'meta' },
      h('strong', {}, ctx.personName(m.author)),
      h('time', {}, fmtTime(m.createdAt, ctx.now())),
      m.editedAt ? h('span', { class: 'edited' }, '(edited)') : null,
    ),
  );
  const card = m.payload?.card;
  if (card)
    el.append(
      cardView(card, ctx.now(), {
        act: (action, value) => ctx.act(action, card.ticketId, value, m.channel),
        openCustomerThread: () => {
          const root = Number(card.customerThread.threadRef);
          ctx.openCustomerThread(card.customerThread.channelId, Number.isSafeInteger(root) ? root : null);
        },
      }),
    );
  else {
    const mentions = (m.payload?.mentions ?? []).map((u) => `@${ctx.personName(u)}`).join(' ');
    el.append(h('div', { class: 'text' }, mentions ? `${mentions} ${m.text}` : m.text));
  }
  const controls = pageControls(m, ctx);
  if (controls.length > 0) el.append(h('div', { class: 'actions' }, ...controls));
  if (!inThread) {
    const replies = ctx.replies(m.id);
    const t = h(
      'button',
      { type: 'button', class: 'link replies', 'data-open-thread': String(m.id) },
      replies ? `${replies} ${replies === 1 ? 'reply' : 'replies'}` : 'Reply in thread',
    );
    t.addEventListener('click', () => ctx.showThread(m.id));
    el.append(t);
  }
  return el;
}
