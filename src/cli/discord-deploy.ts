import { PermissionFlagsBits, REST, Routes } from 'discord.js';
import { COMMANDS } from '../adapters/discord/command-definitions.js';
import { discordSettings, type Env } from '../config/env.js';
import type { CliIo } from './io.js';

/** What the bot does in a guild: read and answer in channels and threads, open threads, react, embed. */
const BOT_PERMISSIONS = [
  PermissionFlagsBits.ViewChannel,
  PermissionFlagsBits.SendMessages,
  PermissionFlagsBits.SendMessagesInThreads,
  PermissionFlagsBits.CreatePublicThreads,
  PermissionFlagsBits.ReadMessageHistory,
  PermissionFlagsBits.AddReactions,
  PermissionFlagsBits.EmbedLinks,
].reduce((a, b) => a | b, 0n);

/** The OAuth2 link that adds the bot to a server with its commands and the permissions it uses. */
export function inviteUrl(applicationId: string): string {
  const q = new URLSearchParams({
    client_id: applicationId,
    scope: 'bot applications.commands',
    permissions: BOT_PERMISSIONS.toString(),
  });
  return `https://discord.com/oauth2/authorize?${q}`;
}

/**
 * Registers /ticket, /support and /oncall with Discord: globally (may take up to an hour to show)
 * or for one guild (immediately). Bulk overwrite, so running it again is harmless.
 */
export async function deployCommands(guild: string | undefined, env: Env, io: CliIo): Promise<number> {
  const s = discordSettings(env);
  if (!s) {
    io.err('tierdesk discord deploy-commands: set DISCORD_BOT_TOKEN and DISCORD_APPLICATION_ID first');
    return 1;
  }
  const rest = new REST({ ...(s.apiUrl ? { api: s.apiUrl } : {}), retries: 2 }).setToken(s.token);
  const route = guild
    ? Routes.applicationGuildCommands(s.applicationId, guild)
    : Routes.applicationCommands(s.applicationId);
  try {
    const done = (await rest.put(route, { body: COMMANDS })) as Array<{ name: string }>;
    io.out(
      `registered ${done.map((c) => `/${c.name}`).join(', ')} ${guild ? `in guild ${guild}` : 'globally'}`,
    );
    io.out(`invite the bot with: ${inviteUrl(s.applicationId)}`);
    return 0;
  } catch (err) {
    io.err(`tierdesk discord deploy-commands: Discord refused: ${(err as Error).message}`);
    return 1;
  }
}
