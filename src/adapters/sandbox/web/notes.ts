// Notes only the person sees, under a pane's messages: a command's answer, a refusal, a
// confirmation. Built as DOM nodes with textContent, never markup.

import { $, h } from './dom.js';
import type { Reply } from './types.js';

/** A reply's text with its formatting, built as DOM nodes (never markup): bold, @mentions. */
function richText(reply: Reply): Array<Node | string> {
  if (!reply.rich) return [reply.text];
  return reply.rich.map((s) =>
    typeof s === 'string'
      ? s
      : 'bold' in s
        ? h('strong', {}, s.bold)
        : h('span', { class: 'mention' }, `@${s.name}`),
  );
}

/**
 * A note only the person sees (a command's answer, a refusal, a confirmation), under the pane's
 * messages. A new one replaces the last, so an error never outlives the next success.
 */
export function ephemeral(where: 'channel' | 'thread', reply: Reply) {
  const box = $(`#${where}-ephemeral`);
  const note = h(
    'div',
    { class: `ephemeral ${reply.ok ? 'ok' : 'refused'}`, role: 'status' },
    h('small', {}, 'Only visible to you'),
    h('pre', {}, ...richText(reply)),
  );
  const close = h('button', { type: 'button', class: 'link', 'aria-label': 'Dismiss' }, 'Dismiss');
  close.addEventListener('click', () => note.remove());
  note.append(close);
  box.replaceChildren(note);
}

/** The pane's notes go once something worked without a note of its own: an error does not linger. */
export function clearEphemeral(where: 'channel' | 'thread') {
  $(`#${where}-ephemeral`).replaceChildren();
}
