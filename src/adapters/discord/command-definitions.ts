/**
 * The slash commands tierdesk registers on Discord (`tierdesk discord deploy-commands`). The same
 * verbs as Slack's `/ticket`, `/support`, `/oncall`; options are typed instead of free text.
 * Shapes follow Discord's application command API (type 1 = sub command, 3 = string, 4 = integer,
 * 6 = user, 7 = channel).
 */
const id = {
  type: 4,
  name: 'id',
  description: 'Ticket number (leave out inside the ticket thread)',
  required: false,
  min_value: 1,
};

function sub(name: string, description: string, options: object[] = []) {
  return { type: 1, name, description, options: [...options, id] };
}

export const TICKET_COMMAND = {
  name: 'ticket',
  description: 'Work a support ticket',
  dm_permission: false,
  options: [
    sub('claim', 'Take the ticket'),
    sub('unclaim', 'Give it back to the queue'),
    sub('assign', 'Hand it to another agent', [
      { type: 6, name: 'person', description: 'Agent', required: true },
    ]),
    sub('priority', 'Change its priority', [
      {
        type: 3,
        name: 'level',
        description: 'P1 (most urgent) … P4',
        required: true,
        choices: ['P1', 'P2', 'P3', 'P4'].map((p) => ({ name: p, value: p })),
      },
    ]),
    sub('waiting', 'Waiting on the customer (update and resolution clocks pause)'),
    sub('open', 'Back to work after waiting'),
    sub('resolve', 'Resolve it and tell the customer', [
      { type: 3, name: 'note', description: 'Resolution note', required: false },
    ]),
    sub('reopen', 'Reopen a resolved ticket'),
    sub('escalate', 'Page the escalation chain now', [
      { type: 3, name: 'reason', description: 'Why', required: false },
    ]),
    sub('note', 'Internal note, never shown to the customer', [
      { type: 3, name: 'text', description: 'Note', required: true },
    ]),
    sub('ack', 'Acknowledge a page (stops the escalation)'),
    sub('show', 'Show the ticket'),
    {
      type: 1,
      name: 'new',
      description: "Open a ticket for this channel's organization (no text: a form)",
      options: [
        {
          type: 3,
          name: 'text',
          description: 'What happened (leave out for a form)',
          required: false,
          max_length: 4000,
        },
        {
          type: 3,
          name: 'org',
          description: 'Staff: the organization, for a request by phone or email',
          required: false,
          max_length: 200,
        },
      ],
    },
  ],
};

export const SUPPORT_COMMAND = {
  name: 'support',
  description: 'Link customer channels; who am I',
  dm_permission: false,
  options: [
    {
      type: 1,
      name: 'link',
      description: 'Link a customer channel or forum to an organization (admins)',
      options: [
        { type: 7, name: 'channel', description: 'Channel or forum', required: true, channel_types: [0, 15] },
        { type: 3, name: 'org', description: 'Organization name', required: true },
        { type: 3, name: 'tier', description: 'Tier override for this channel', required: false },
      ],
    },
    {
      type: 1,
      name: 'unlink',
      description: 'Unlink a channel (admins)',
      options: [
        {
          type: 7,
          name: 'channel',
          description: 'Channel (default: this one)',
          required: false,
          channel_types: [0, 15],
        },
      ],
    },
    { type: 1, name: 'whoami', description: 'Who tierdesk thinks you are' },
  ],
};

export const ONCALL_COMMAND = {
  name: 'oncall',
  description: 'Who is on call now and next; overrides',
  dm_permission: false,
  options: [
    { type: 1, name: 'show', description: 'Who is on call now and next, per rotation' },
    {
      type: 1,
      name: 'override',
      description: 'Put someone on call from now',
      options: [
        { type: 6, name: 'person', description: 'Who takes the pages', required: true },
        { type: 3, name: 'duration', description: 'e.g. 4h, 90m, 1d', required: true },
        { type: 3, name: 'rotation', description: 'Rotation (if they are in several)', required: false },
      ],
    },
  ],
};

export const COMMANDS = [TICKET_COMMAND, SUPPORT_COMMAND, ONCALL_COMMAND];

/** An interaction's chosen sub command and options → the neutral command text the app parses. */
export function commandText(
  sub: string,
  options: Record<string, string | number | boolean | undefined>,
): string {
  const parts: string[] = [sub];
  if (options.id !== undefined) parts.push(`#${options.id}`);
  if (options.person !== undefined) parts.push(`@${options.person}`);
  if (options.level !== undefined) parts.push(String(options.level));
  if (options.duration !== undefined) parts.push(String(options.duration));
  if (options.rotation !== undefined) parts.push(String(options.rotation));
  for (const k of ['note', 'reason', 'text'] as const)
    if (options[k] !== undefined) parts.push(String(options[k]));
  return parts.join(' ');
}
