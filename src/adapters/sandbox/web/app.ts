// The sandbox workspace in the browser: channels, threads, ticket cards with live countdowns, the
// on-call engineer's direct messages and the fast-forward control. Everything is rendered with
// textContent (never innerHTML), so nothing a user types can run as markup.

import { api, send } from './api.js';
import { clockText, fmtTime } from './clocks.js';
import { $ } from './dom.js';
import { type MessageContext, messageView } from './message.js';
import { clearEphemeral, ephemeral } from './notes.js';
import { personas, sidebar } from './sidebar.js';
import type { Clock, ClockState, Message, Person, Reply, State } from './types.js';

const BOT = 'tierdesk';

// ---- state ----

let state: State | null = null;
const messages = new Map<number, Message>();
let me = localStorage.getItem('tierdesk.persona') ?? '';
let current = '';
let openThread: number | null = null;
const unread = new Set<string>();
/** The sandbox clock: the server's "now" when it was last told, and when (performance.now()). */
let clockBase = { now: Date.now(), at: performance.now(), controllable: false };

const sandboxNow = () => clockBase.now + (performance.now() - clockBase.at);

function setClock(c: { now: number; controllable?: boolean }) {
  clockBase = { now: c.now, at: performance.now(), controllable: c.controllable ?? clockBase.controllable };
}

const personName = (id: string) =>
  id === BOT ? 'tierdesk' : (state?.people.find((p) => p.id === id)?.name ?? id);
const meAsPerson = () => state?.people.find((p) => p.id === me) ?? null;
const isStaff = (p: Person | null) => p !== null && p.organization === null;

function tickClocks() {
  $('#clock-now').textContent = fmtTime(sandboxNow());
  for (const el of document.querySelectorAll<HTMLElement>('[data-clock]')) {
    const c = JSON.parse(el.dataset.clock ?? '{}') as Clock;
    const { text, cls } = clockText(c, sandboxNow());
    if (el.textContent !== text) el.textContent = text;
    el.className = `clock ${cls}`;
  }
}

// ---- rendering ----

function channelKind(id: string): 'room' | 'queue' | 'dm' {
  if (id.startsWith('@')) return 'dm';
  return state?.queues.some((q) => q.id === id) ? 'queue' : 'room';
}

function renderSidebar() {
  if (state) sidebar(state, current, unread, selectChannel);
}

/** What a message's view needs from the workspace. */
function messageContext(): MessageContext {
  return {
    me,
    bot: BOT,
    personName,
    now: sandboxNow,
    replies: (id) => [...messages.values()].filter((r) => r.threadId === id).length,
    act: (action, ticketId, value, channel) => void act(action, ticketId, value, channel),
    showThread,
    openCustomerThread: (channelId, root) => {
      selectChannel(channelId);
      if (root !== null) showThread(root);
    },
  };
}

function renderChannel() {
  if (!state) return;
  const kind = channelKind(current);
  const room = state.rooms.find((r) => r.id === current);
  const queue = state.queues.find((q) => q.id === current);
  const dm = state.directMessages.find((d) => d.id === current);
  $('#channel-title').textContent = dm ? `@ ${dm.name}` : `# ${current}`;
  $('#channel-hint').textContent =
    kind === 'room'
      ? `Shared channel with ${room?.organization} (${room?.tier}). A customer's message here becomes a ticket.`
      : kind === 'queue'
        ? `${queue?.label}: ticket cards routed here. Claim with the button or type /ticket claim #id.`
        : `Direct messages from tierdesk to ${dm?.name}: escalation pages land here.`;
  const list = $('#messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(
    ...[...messages.values()]
      .filter((m) => m.channel === current && m.threadId === null)
      .sort((a, b) => a.id - b.id)
      .map((m) => messageView(m, false, messageContext())),
  );
  if (atBottom) list.scrollTop = list.scrollHeight;
  const p = meAsPerson();
  $<HTMLTextAreaElement>('#composer textarea').placeholder =
    kind === 'dm' && current !== `@${me}`
      ? 'Only commands here (this is not your DM)'
      : `Message ${dm ? dm.name : `#${current}`} as ${p?.name ?? '…'} — or a command like /ticket show #1`;
  renderThread();
}

function renderThread() {
  const pane = $('#thread');
  const root = openThread === null ? undefined : messages.get(openThread);
  if (!root || root.channel !== current) {
    pane.hidden = true;
    openThread = null;
    return;
  }
  pane.hidden = false;
  const replies = [...messages.values()].filter((m) => m.threadId === root.id).sort((a, b) => a.id - b.id);
  const ctx = messageContext();
  $('#thread-messages').replaceChildren(
    messageView(root, true, ctx),
    ...replies.map((m) => messageView(m, true, ctx)),
  );
}

function showThread(id: number) {
  openThread = id;
  $('#thread-ephemeral').replaceChildren();
  renderThread();
  $<HTMLTextAreaElement>('#thread-composer textarea').focus();
}

function selectChannel(id: string) {
  current = id;
  unread.delete(id);
  openThread = null;
  $('#channel-ephemeral').replaceChildren();
  localStorage.setItem('tierdesk.channel', id);
  renderSidebar();
  renderChannel();
}

// ---- actions ----

async function act(action: string, ticketId: number, value: string, channel: string) {
  const where = openThread !== null && channel === current ? 'thread' : 'channel';
  try {
    // Done or refused, the clicker is told (the card changes for everyone a moment later).
    const r = await api<{ ephemeral: Reply }>('POST', 'actions', { as: me, action, ticketId, value });
    ephemeral(where, r.ephemeral);
  } catch (err) {
    ephemeral(where, { ok: false, text: (err as Error).message });
  }
}

function wireComposer(formSel: string, where: 'channel' | 'thread') {
  const form = $<HTMLFormElement>(formSel);
  const area = form.querySelector('textarea')!;
  const submit = async () => {
    const text = area.value.trim();
    if (!text) return;
    area.value = '';
    try {
      const r = await send(me, current, where === 'thread' ? openThread : null, text);
      if (r.ephemeral) ephemeral(where, r.ephemeral);
      else clearEphemeral(where);
    } catch (err) {
      area.value = text; // nothing is lost: the text comes back to try again
      ephemeral(where, { ok: false, text: (err as Error).message });
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void submit();
  });
  area.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void submit();
    }
  });
}

function wireFastForward() {
  const form = $<HTMLFormElement>('#fast-forward');
  const go = async (minutes: number) => {
    try {
      setClock(await api<ClockState>('POST', 'clock', { minutes }));
      clearEphemeral('channel');
      tickClocks();
    } catch (err) {
      ephemeral('channel', { ok: false, text: (err as Error).message });
    }
  };
  for (const b of form.querySelectorAll<HTMLButtonElement>('button[data-minutes]'))
    b.addEventListener('click', () => void go(Number(b.dataset.minutes)));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const n = Number($<HTMLInputElement>('#ff-minutes').value);
    if (Number.isInteger(n) && n > 0) void go(n);
  });
}

// ---- live updates ----

/** Keeps the newest version of a message (an edit may arrive before or after a full reload). */
function upsert(m: Message) {
  const old = messages.get(m.id);
  if (!old || (m.editedAt ?? m.createdAt) >= (old.editedAt ?? old.createdAt)) messages.set(m.id, m);
}

/** Whether the current persona sees a channel (the server filters too; this drops stragglers). */
function visible(channel: string): boolean {
  if (!state) return false;
  return (
    state.rooms.some((r) => r.id === channel) ||
    state.queues.some((q) => q.id === channel) ||
    state.directMessages.some((d) => d.id === channel)
  );
}

function onMessage(m: Message) {
  if (state && !visible(m.channel)) return;
  upsert(m);
  if (m.channel !== current) {
    unread.add(m.channel);
    renderSidebar();
  } else renderChannel();
}

const stateOf = (person: string) =>
  api<State>('GET', person ? `state?as=${encodeURIComponent(person)}` : 'state');

/** Loads what the current persona sees (choosing a persona first if none is stored). */
async function load() {
  let s = await stateOf(me);
  if (!s.people.some((p) => p.id === me)) {
    me = s.people.find((p) => p.organization)?.id ?? s.people[0]?.id ?? '';
    localStorage.setItem('tierdesk.persona', me);
    connect();
    s = await stateOf(me);
  }
  state = s;
  setClock(state.clock);
  for (const m of state.messages) upsert(m);
  $('#fast-forward').hidden = !state.clock.controllable;
  personas(state.people, me);
  const saved = localStorage.getItem('tierdesk.channel');
  const known = (id: string | null) =>
    id !== null &&
    (state!.rooms.some((r) => r.id === id) ||
      state!.queues.some((q) => q.id === id) ||
      state!.directMessages.some((d) => d.id === id));
  if (!known(current)) current = known(saved) ? saved! : (state.rooms[0]?.id ?? state.queues[0]?.id ?? '');
  unread.clear();
  renderSidebar();
  renderChannel();
  document.body.dataset.persona = me;
  document.body.dataset.ready = 'true';
}

let events: EventSource | null = null;

/** The live stream of what the current persona sees; reopened when the persona changes. */
function connect() {
  const dot = $('#connection');
  events?.close();
  events = new EventSource(me ? `/sandbox/api/events?as=${encodeURIComponent(me)}` : '/sandbox/api/events');
  let dropped = false;
  events.onopen = () => {
    dot.className = 'connection live';
    if (dropped) void load(); // catch up on what happened while disconnected
    dropped = false;
  };
  events.onerror = () => {
    dot.className = 'connection down';
    dropped = true;
  };
  events.onmessage = (e) => {
    const ev = JSON.parse(e.data as string) as
      | { type: 'message'; message: Message }
      | { type: 'clock'; now: number };
    if (ev.type === 'message') onMessage(ev.message);
    else {
      setClock({ now: ev.now });
      tickClocks();
    }
  };
}

function main() {
  $<HTMLSelectElement>('#persona').addEventListener('change', (e) => {
    me = (e.target as HTMLSelectElement).value;
    localStorage.setItem('tierdesk.persona', me);
    // What is visible depends on who you are: start over with this person's view.
    messages.clear();
    connect();
    void load().then(() => {
      const p = meAsPerson();
      if (p && !isStaff(p)) {
        const room = state?.rooms.find((r) => r.organization === p.organization);
        if (room && room.id !== current) selectChannel(room.id);
      }
    });
  });
  $('#thread-close').addEventListener('click', () => {
    openThread = null;
    renderThread();
  });
  wireComposer('#composer', 'channel');
  wireComposer('#thread-composer', 'thread');
  wireFastForward();
  connect();
  void load().catch((err: unknown) => {
    $('#channel-title').textContent = `Could not load the sandbox: ${(err as Error).message}`;
  });
  setInterval(tickClocks, 1000);
}

main();
