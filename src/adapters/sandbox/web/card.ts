import { clockText } from './clocks.js';
import { h } from './dom.js';
import type { Card } from './types.js';

const PRIORITIES = ['P1', 'P2', 'P3', 'P4'];

export interface CardHandlers {
  /** A button or the priority menu (`value`: the chosen priority). */
  act(action: string, value: string): void;
  /** "Customer thread →": show the customer's thread of this ticket. */
  openCustomerThread(): void;
}

/** A ticket card: title, facts, live clocks (see tickClocks), why-routed, and its controls. */
export function cardView(card: Card, now: number, on: CardHandlers): HTMLElement {
  const el = h('article', {
    class: `card prio-${card.priority} status-${card.status}`,
    'data-card': String(card.ticketId),
  });
  el.append(
    h(
      'div',
      { class: 'card-title' },
      `#${card.ticketId} · ${card.tierLabel} · ${card.priority} · ${card.domain}`,
    ),
    h('div', { class: 'card-subject' }, card.subject),
  );
  if (card.excerpt && card.excerpt !== card.subject) el.append(h('blockquote', {}, card.excerpt));
  const facts = h('dl', { class: 'facts' });
  const fact = (k: string, v: string, key: string) =>
    facts.append(h('dt', {}, k), h('dd', { 'data-field': key }, v));
  fact('Organization', card.organization, 'organization');
  fact('Requester', card.requesterName, 'requester');
  fact('Status', card.status.replaceAll('_', ' '), 'status');
  fact('Assignee', card.assignee?.name ?? 'unclaimed', 'assignee');
  const e = card.escalation;
  // A card stored before escalations had their own line shows what it knew then.
  if (e) fact('Escalation', e.text ?? `${e.level ?? ''} ${e.status}`.trim(), 'escalation');
  el.append(facts);
  const clocks = h('ul', { class: 'clocks' });
  for (const c of card.clocks) {
    const li = h('li', { 'data-clock': JSON.stringify(c), 'data-kind': c.clock });
    const shown = clockText(c, now);
    li.textContent = shown.text;
    li.className = `clock ${shown.cls}`;
    clocks.append(li);
  }
  el.append(clocks);
  if (card.reasons.length) el.append(h('p', { class: 'why' }, `Why here: ${card.reasons.join('; ')}`));
  el.append(controls(card, on));
  return el;
}

const ACTIVE = new Set(['new', 'open', 'waiting_on_customer']);

/**
 * The card's controls, as on Slack and Discord: Claim only while nobody holds the ticket (the
 * Assignee line says who does), Escalate only while no chain is paging, and none but the link to
 * the customer's thread once the ticket is resolved or closed.
 */
function controls(card: Card, on: CardHandlers): HTMLElement {
  const actions = h('div', { class: 'actions' });
  const button = (action: string, label: string) => {
    const b = h('button', { type: 'button', 'data-action': action }, label);
    b.addEventListener('click', () => on.act(action, ''));
    actions.append(b);
  };
  if (ACTIVE.has(card.status)) {
    if (!card.assignee) button('claim', 'Claim');
    if (card.escalation?.status !== 'active') button('escalate', 'Escalate');
    button('resolve', 'Resolve');
    const prio = h('select', { 'data-action': 'priority', 'aria-label': 'Priority' });
    for (const p of PRIORITIES) prio.append(h('option', { value: p }, p));
    prio.value = card.priority;
    prio.addEventListener('change', () => on.act('priority', prio.value));
    actions.append(prio);
  }
  const open = h(
    'button',
    { type: 'button', class: 'link', 'data-open-customer-thread': '' },
    'Customer thread →',
  );
  open.addEventListener('click', () => on.openCustomerThread());
  actions.append(open);
  return actions;
}
