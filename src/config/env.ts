import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { humanIssue } from './human-errors.js';

/** Root of the installed package (where policy/ and migrations/ live). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_POLICY_FILE = resolve(PACKAGE_ROOT, 'policy', 'example.yaml');
export const MIGRATIONS_DIR = resolve(PACKAGE_ROOT, 'migrations');
export const DEFAULT_SANDBOX_SEED = resolve(PACKAGE_ROOT, 'policy', 'example-directory.yaml');

const postgresUrl = z
  .string()
  .refine((s) => /^postgres(ql)?:\/\//.test(s), 'must be a postgres:// or postgresql:// URL')
  .optional();

const httpUrl = z
  .string()
  .refine((s) => /^https?:\/\/[^\s]+$/.test(s), 'must be an http:// or https:// URL')
  .transform((s) => (s.endsWith('/') ? s : `${s}/`))
  .optional();

/** Every environment variable tierdesk reads. README.md documents each. */
const baseEnvSchema = z.object({
  DATABASE_URL: postgresUrl,
  TIERDESK_DATA_DIR: z.string().min(1).default('.tierdesk/data'),
  TIERDESK_POLICY: z.string().min(1).default(DEFAULT_POLICY_FILE),
  PORT: z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number 0–65535')
    .transform(Number)
    .pipe(z.number().max(65_535, 'must be a port number 0–65535'))
    .default(3000),
  /** Unset: 127.0.0.1 when the sandbox runs alone (it has no login), else 0.0.0.0. */
  HOST: z.string().min(1).optional(),
  TIERDESK_SANDBOX: z.enum(['auto', 'on', 'off']).default('auto'),
  TIERDESK_SANDBOX_SEED: z.string().min(1).default(DEFAULT_SANDBOX_SEED),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-[\w-]+$/, 'must be a bot token starting with xoxb-')
    .optional(),
  SLACK_SIGNING_SECRET: z
    .string()
    .regex(/^[0-9a-f]{16,}$/i, 'must be the app signing secret (hex)')
    .optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-[\w-]+$/, 'must be an app-level token starting with xapp-')
    .optional(),
  SLACK_API_URL: httpUrl,
  /** HTTP mode: `thread` answers Slack from the ingress thread (journaled); `inline` from the bot's own. */
  SLACK_INGRESS: z.enum(['thread', 'inline']).default('thread'),
  /** Unset: next to the data folder, `<TIERDESK_DATA_DIR>.slack-ingress.journal`. */
  SLACK_INGRESS_JOURNAL: z.string().min(1).optional(),
  /** Linux: the nice value of the bot's threads other than the ingress; 0 leaves priorities alone. */
  SLACK_INGRESS_WORK_NICE: z
    .string()
    .regex(/^\d+$/, 'must be a nice value from 0 to 19')
    .transform(Number)
    .pipe(z.number().int().min(0).max(19))
    .default(10),
  SLACK_CHANNEL_RATE: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a number of posts per second per channel, e.g. 1')
    .transform(Number)
    .pipe(z.number().gt(0).max(1000))
    .default(1),
  DISCORD_BOT_TOKEN: z
    .string()
    .regex(/^[\w.-]{20,}$/, 'must be a Discord bot token')
    .optional(),
  DISCORD_APPLICATION_ID: z
    .string()
    .regex(/^\d{15,21}$/, 'must be a Discord application id (snowflake)')
    .optional(),
  DISCORD_API_URL: z
    .string()
    .refine((s) => /^https?:\/\/[^\s]+$/.test(s), 'must be an http:// or https:// URL')
    .transform((s) => s.replace(/\/+$/, ''))
    .optional(),
  DISCORD_STAFF_ROLES: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^\d{15,21}$/, 'must be role ids (snowflakes), comma-separated')))
    .optional(),
  DATABASE_POOL_SIZE: z
    .string()
    .regex(/^\d+$/, 'must be a whole number 1–200')
    .transform(Number)
    .pipe(z.number().min(1).max(200))
    .default(10),
  /** Unset: /metrics answers anyone who reaches the port. */
  METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,}$/, 'must be at least 16 printable ASCII characters, without spaces')
    .optional(),
  DATABASE_PREPARE: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .transform((v) => v === 'true')
    .default(true),
});

/** Settings that only make sense together. */
export const envSchema = baseEnvSchema.superRefine((e, ctx) => {
  const slack = e.SLACK_BOT_TOKEN || e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN || e.SLACK_API_URL;
  if (slack && !e.SLACK_BOT_TOKEN)
    ctx.addIssue({
      code: 'custom',
      path: ['SLACK_BOT_TOKEN'],
      message: 'is required when any SLACK_* setting is given',
    });
  const discord =
    e.DISCORD_BOT_TOKEN || e.DISCORD_APPLICATION_ID || e.DISCORD_API_URL || e.DISCORD_STAFF_ROLES;
  for (const key of ['DISCORD_BOT_TOKEN', 'DISCORD_APPLICATION_ID'] as const)
    if (discord && !e[key])
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: 'is required when any DISCORD_* setting is given',
      });
  if (e.SLACK_BOT_TOKEN && !e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET)
    ctx.addIssue({
      code: 'custom',
      path: ['SLACK_SIGNING_SECRET'],
      message: 'is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
    });
});

export type Env = z.output<typeof envSchema>;

export interface SlackSettings {
  mode: 'http' | 'socket';
  botToken: string;
  signingSecret: string | null;
  appToken: string | null;
  /** Web API base, e.g. `https://slack.com/api/` (GovSlack and tests use another). */
  apiUrl: string | null;
  /** Posts and edits per second per channel (bursts of 4), to stay under Slack's limits. */
  channelRate: number;
  /** HTTP mode: who answers Slack's event callbacks (README: Slack ingress). Null in Socket Mode. */
  ingress?: { mode: 'thread' | 'inline'; journal: string; workNice: number } | null;
}

/** The Slack adapter's settings, or null when Slack is not configured (the adapter stays off). */
export function slackSettings(env: Env): SlackSettings | null {
  if (!env.SLACK_BOT_TOKEN) return null;
  return {
    mode: env.SLACK_APP_TOKEN ? 'socket' : 'http',
    botToken: env.SLACK_BOT_TOKEN,
    signingSecret: env.SLACK_SIGNING_SECRET ?? null,
    appToken: env.SLACK_APP_TOKEN ?? null,
    apiUrl: env.SLACK_API_URL ?? null,
    channelRate: env.SLACK_CHANNEL_RATE,
    ingress: env.SLACK_APP_TOKEN
      ? null
      : {
          mode: env.SLACK_INGRESS,
          journal:
            env.SLACK_INGRESS_JOURNAL ?? `${env.TIERDESK_DATA_DIR.replace(/\/+$/, '')}.slack-ingress.journal`,
          workNice: env.SLACK_INGRESS_WORK_NICE,
        },
  };
}

export type EnvResult = { ok: true; env: Env } | { ok: false; problems: string[] };

/** Parses the environment once; empty strings count as unset. Never echoes values (they may be secrets). */
export function parseEnv(source: Record<string, string | undefined> = process.env): EnvResult {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned, { error: humanIssue });
  if (parsed.success) return { ok: true, env: parsed.data };
  // A variable is one value: name it, not an index into what it was split into.
  const problems = parsed.error.issues.map((i) => `${String(i.path[0] ?? 'environment')}: ${i.message}`);
  return { ok: false, problems };
}

export interface DiscordSettings {
  token: string;
  applicationId: string;
  /** REST base, e.g. `https://discord.com/api` (REST proxies and tests use another). */
  apiUrl: string | null;
  /** Members with one of these roles are staff: their messages never open tickets by themselves. */
  staffRoles: string[];
}

/** The Discord adapter's settings, or null when Discord is not configured (the adapter stays off). */
export function discordSettings(env: Env): DiscordSettings | null {
  if (!env.DISCORD_BOT_TOKEN || !env.DISCORD_APPLICATION_ID) return null;
  return {
    token: env.DISCORD_BOT_TOKEN,
    applicationId: env.DISCORD_APPLICATION_ID,
    apiUrl: env.DISCORD_API_URL ?? null,
    staffRoles: env.DISCORD_STAFF_ROLES ?? [],
  };
}
