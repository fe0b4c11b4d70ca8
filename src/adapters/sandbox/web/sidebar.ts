import { $, h } from './dom.js';
import type { Person, State } from './types.js';

/** The channel list: customer rooms, support queues and DMs of what the persona sees, unread marked. */
export function sidebar(
  state: State,
  current: string,
  unread: Set<string>,
  select: (id: string) => void,
): void {
  const nav = $('#sidebar');
  nav.replaceChildren();
  const link = (id: string, label: string, sub: string | null) => {
    const a = h('button', { type: 'button', class: 'chan', 'data-channel': id }, label);
    if (sub) a.append(h('small', {}, sub));
    if (id === current) a.classList.add('active');
    if (unread.has(id)) a.append(h('span', { class: 'badge', 'aria-label': 'unread' }, '●'));
    a.addEventListener('click', () => select(id));
    return a;
  };
  nav.append(h('h3', {}, 'Customer channels'));
  for (const r of state.rooms) nav.append(link(r.id, `# ${r.id}`, `${r.organization} · ${r.tier}`));
  nav.append(h('h3', {}, 'Support queues'));
  for (const q of state.queues) nav.append(link(q.id, `# ${q.id}`, q.label));
  nav.append(h('h3', {}, 'Direct messages'));
  for (const d of state.directMessages) nav.append(link(d.id, `@ ${d.name}`, null));
}

/** The "You are" menu: customers by organization, then the support team with their roles. */
export function personas(people: Person[], me: string): void {
  const sel = $<HTMLSelectElement>('#persona');
  sel.replaceChildren();
  const staff = h('optgroup', { label: 'Support team' });
  const customers = h('optgroup', { label: 'Customers' });
  for (const p of people) {
    const roles = p.roles.filter((r) => r !== 'customer').join(', ');
    const label = p.organization ? `${p.name} — ${p.organization}` : `${p.name} — ${roles || 'staff'}`;
    (p.organization ? customers : staff).append(h('option', { value: p.id }, label));
  }
  sel.append(customers, staff);
  sel.value = me;
}
