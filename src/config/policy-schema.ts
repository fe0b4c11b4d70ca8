import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { PLATFORMS, PRIORITIES, ROLES, type Role, WEEKDAYS } from '../domain/policy.js';

/** The YAML shape of a policy file. `src/config/policy.ts` turns it into the domain's `Policy`. */

const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a lower-case name of letters, digits, "-" or "_"')
  .max(64);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time HH:MM (00:00–23:59)');
const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date YYYY-MM-DD', abort: true })
  .refine((s) => DateTime.fromISO(s, { zone: 'UTC' }).isValid, { error: (i) => `${i.input} is not a date` });
const zone = z
  .string()
  .refine((s) => IANAZone.isValidZone(s), 'must be an IANA time zone such as Europe/Berlin');
const isInstant = (s: string) => DateTime.fromISO(s).isValid;
const minutes = z.number().int('must be a whole number of minutes').nonnegative().max(525_600);
const priority = z.enum(PRIORITIES);
const regexSource = z.string().refine((s) => {
  try {
    new RegExp(s, 'iu');
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

/** `HH:MM-HH:MM`, end may be 24:00, start before end (split intervals that cross midnight). */
const interval = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/, {
    message: 'must be an interval HH:MM-HH:MM (end may be 24:00)',
    abort: true,
  })
  .refine((s) => {
    const [a, b] = s.split('-') as [string, string];
    return a < b;
  }, 'must start before it ends (split an interval that crosses midnight)');

const weekly = z.strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(interval).default([])])));

export const calendarSchema = z.strictObject({
  timezone: zone,
  alwaysOpen: z.boolean().default(false),
  hours: weekly.partial().default({}),
  holidays: z.array(localDate).default([]),
});

const targets = z.strictObject({
  firstResponse: minutes,
  update: minutes.positive().nullable().default(null),
  resolution: minutes.positive(),
});

export const tierSchema = z.strictObject({
  name,
  label: z.string().min(1),
  rank: z.number().int().positive(),
  criteria: z
    .strictObject({
      minContractValue: z.number().nonnegative().optional(),
      minMonthlyUsage: z.number().nonnegative().optional(),
      criticalityFlags: z.array(z.string().min(1)).optional(),
      strategic: z.boolean().optional(),
    })
    .default({}),
  calendar: name,
  targets: z.strictObject({ P1: targets, P2: targets, P3: targets, P4: targets }),
  warnAt: z.array(z.number().gt(0).lt(1)).default([0.5, 0.75]),
  escalationChain: name,
  entitlements: z
    .strictObject({
      pageOnCall: z.boolean().default(true),
      pageOutOfHours: z.boolean().default(false),
      highestPriority: priority.default('P1'),
    })
    .prefault({}),
});

export const domainSchema = z.strictObject({
  name,
  label: z.string().min(1),
  keywords: z.array(z.string().min(1)).default([]),
  patterns: z.array(regexSource).default([]),
});

const priorityRule = z.strictObject({
  priority,
  keywords: z.array(z.string().min(1)).default([]),
  patterns: z.array(regexSource).default([]),
});

export const queueSchema = z.strictObject({
  name,
  label: z.string().min(1),
  channels: z.partialRecord(z.enum(PLATFORMS), z.string().min(1)).default({}),
  domains: z.array(z.string().min(1)).min(1, 'must list at least one domain, or "*"'),
  tiers: z.array(name).default([]),
  priorities: z.array(priority).default([]),
  timezone: zone.default('UTC'),
  digestAt: hhmm.nullable().default(null),
});

const pageableRoles = ROLES.filter((r) => r !== 'customer') as [Role, ...Role[]];
const target = z.union(
  [
    z.strictObject({ rotation: name }),
    z.strictObject({ role: z.enum(pageableRoles) }),
    z.strictObject({ people: z.array(z.string().min(1)).min(1) }),
  ],
  {
    error: `must be one of: { rotation: NAME }, { role: ${pageableRoles.join(' | ')} }, { people: [HANDLE, ...] }`,
  },
);

export const chainSchema = z.strictObject({
  triggers: z
    .array(z.enum(['first_response', 'next_update', 'resolution']))
    .min(1)
    .default(['first_response', 'resolution']),
  levels: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        target,
        ackWaitMinutes: minutes.positive(),
        repeat: z.number().int().min(0).max(20).default(0),
        notifyQueue: z.boolean().default(true),
      }),
    )
    .min(1, 'must have at least one level'),
});

export const rotationSchema = z.strictObject({
  timezone: zone,
  shiftHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 28),
  handoff: hhmm,
  startDate: localDate,
  members: z.array(z.string().min(1)).min(1, 'must have at least one member'),
  overrides: z
    .array(
      z
        .strictObject({
          person: z.string().min(1),
          from: z.iso.datetime({ offset: true }),
          to: z.iso.datetime({ offset: true }),
        })
        // An instant that does not exist is reported on its own; comparing it would add a second,
        // misleading problem (Date.parse rolls 2026-02-30 over to March).
        .refine((o) => !isInstant(o.from) || !isInstant(o.to) || Date.parse(o.from) < Date.parse(o.to), {
          message: 'must be after "from"',
          path: ['to'],
        }),
    )
    .default([]),
});

export const policyFileSchema = z.strictObject({
  version: z.literal(1),
  calendars: z.record(name, calendarSchema),
  tiers: z.array(tierSchema).min(1, 'must have at least one tier'),
  domains: z.array(domainSchema).min(1, 'must have at least one domain'),
  triage: z.strictObject({
    defaultPriority: priority.default('P3'),
    defaultDomain: name,
    criticalSystemBoost: z.number().int().min(0).max(3).default(1),
    priorityRules: z.array(priorityRule).default([]),
  }),
  queues: z.array(queueSchema).min(1, 'must have at least one queue'),
  escalationChains: z.record(name, chainSchema),
  rotations: z.record(name, rotationSchema).default({}),
  lifecycle: z
    .strictObject({
      autoCloseDays: z.number().int().min(1).max(365).default(7),
      autoCloseWarningHours: z
        .number()
        .int()
        .min(0)
        .max(24 * 30)
        .default(24),
    })
    .prefault({}),
});

export type PolicyFile = z.output<typeof policyFileSchema>;
