import { z } from 'zod';
import { PLATFORMS, ROLES } from '../domain/policy.js';
import { rotationSchema } from './policy-schema.js';

/** The YAML shape of `tierdesk import FILE`: organizations, people with identities and skills, rotations. */

const handle = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be a lower-case handle of letters, digits, ".", "-" or "_"')
  .max(64);
const identity = z.strictObject({
  platform: z.enum(PLATFORMS),
  id: z.string().min(1),
  workspace: z.string().min(1).optional(),
});

export const importFileSchema = z.strictObject({
  organizations: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(200),
        contractValue: z.number().nonnegative().default(0),
        monthlyUsage: z.number().nonnegative().default(0),
        criticalityFlags: z.array(z.string().min(1)).default([]),
        strategic: z.boolean().default(false),
        criticalSystems: z.array(z.string().min(1)).default([]),
        tierOverride: z.string().min(1).nullable().default(null),
        channels: z
          .array(
            z.strictObject({
              platform: z.enum(PLATFORMS),
              channel: z.string().min(1),
              tierOverride: z.string().min(1).optional(),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
  people: z
    .array(
      z.strictObject({
        handle,
        name: z.string().min(1),
        email: z.email().optional(),
        timezone: z.string().min(1).optional(),
        organization: z.string().min(1).optional(),
        roles: z.array(z.enum(ROLES)).min(1, 'must have at least one role'),
        identities: z.array(identity).default([]),
        skills: z
          .array(
            z.strictObject({
              domain: z.string().min(1),
              level: z.number().int().min(1).max(5),
              tiers: z.array(z.string().min(1)).default([]),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
  rotations: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/), rotationSchema).default({}),
});

export type ImportFile = z.output<typeof importFileSchema>;
