// What the sandbox API sends the browser (see src/adapters/sandbox/api.ts and src/ports/sandbox.ts).

export interface Person {
  id: string;
  name: string;
  roles: string[];
  organization: string | null;
}
export interface Room {
  id: string;
  organization: string;
  tier: string;
}
export interface Clock {
  clock: 'first_response' | 'next_update' | 'resolution';
  state: 'running' | 'paused' | 'met' | 'breached' | 'stopped';
  dueAt: number | null;
  /** When a breached clock breached (a priority change can breach it after its deadline). */
  breachedAt?: number;
  text: string;
}
export interface Card {
  ticketId: number;
  subject: string;
  excerpt: string;
  organization: string;
  tierLabel: string;
  priority: string;
  domain: string;
  status: string;
  queueLabel: string;
  requesterName: string;
  assignee: { name: string } | null;
  customerThread: { channelId: string; threadRef: string | null };
  clocks: Clock[];
  reasons: string[];
  /** The latest escalation: `text` is its line ("acknowledged by Jun Watanabe 10:40 UTC"). */
  escalation: { level: string | null; status: string; text?: string } | null;
}
export interface Message {
  id: number;
  channel: string;
  threadId: number | null;
  author: string;
  text: string;
  payload: {
    card?: Card;
    actions?: string[];
    mentions?: string[];
    /** Several pages in one DM: an Acknowledge button each. */
    pages?: Array<{ ticketId: number; text: string }>;
    /** Pages acknowledged since (the DM was edited): who and when, in place of their button. */
    acknowledged?: Array<{ ticketId: number; text: string }>;
  } | null;
  ticketId: number | null;
  createdAt: number;
  editedAt: number | null;
}
export interface ClockState {
  now: number;
  offsetMs: number;
  controllable: boolean;
}
export interface State {
  clock: ClockState;
  people: Person[];
  rooms: Room[];
  queues: Array<{ id: string; label: string }>;
  directMessages: Array<{ id: string; person: string; name: string }>;
  messages: Message[];
}
/** Formatted text (see src/app/shared/rich-text.ts): plain, bold, or a person mentioned. */
export type RichSpan = string | { bold: string } | { mention: string | null; name: string };

export interface Reply {
  ok: boolean;
  text: string;
  /** The same as `text` with formatting, when it has any. */
  rich?: RichSpan[];
}
