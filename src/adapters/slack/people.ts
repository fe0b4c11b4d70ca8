import type { WebClient } from '@slack/web-api';
import { normalizeText } from '../../domain/text.js';
import type { Logger } from '../../ports/logger.js';

/** Slack's own limit on a display name is 80; this only bounds what a malformed profile holds. */
const MAX_NAME_CHARS = 200;

export interface SlackUserFacts {
  name: string;
  /** Multi- or single-channel guest: always treated as a customer. */
  guest: boolean;
}

interface CachedUser {
  facts: SlackUserFacts;
  at: number;
}

/**
 * Looks up Slack users (name, guest flag) and messages through the Web API, with a small bounded
 * cache: users.info is called at most once per user per TTL, and events of one user that arrive
 * while a lookup is in flight wait for it (a new customer's burst costs one call, not one each:
 * users.info is rate-limited per workspace).
 */
export class SlackPeople {
  private readonly cache = new Map<string, CachedUser>();
  private readonly inFlight = new Map<string, Promise<SlackUserFacts>>();

  constructor(
    private readonly client: WebClient,
    private readonly logger: Logger,
    private readonly ttlMs = 10 * 60_000,
    private readonly max = 5_000,
  ) {}

  describe(userId: string): Promise<SlackUserFacts> {
    const hit = this.cache.get(userId);
    if (hit && performance.now() - hit.at < this.ttlMs) return Promise.resolve(hit.facts);
    let lookup = this.inFlight.get(userId);
    if (!lookup) {
      lookup = this.lookUp(userId).finally(() => this.inFlight.delete(userId));
      this.inFlight.set(userId, lookup);
    }
    return lookup;
  }

  private async lookUp(userId: string): Promise<SlackUserFacts> {
    let facts: SlackUserFacts = { name: userId, guest: false };
    try {
      const r = await this.client.users.info({ user: userId });
      const u = r.user as
        | {
            real_name?: string;
            name?: string;
            is_restricted?: boolean;
            is_ultra_restricted?: boolean;
            profile?: { display_name?: string; real_name?: string };
          }
        | undefined;
      const name = u?.profile?.display_name || u?.real_name || u?.profile?.real_name || u?.name;
      facts = {
        // Untrusted like message text: a NUL or a lone surrogate in a name would fail the ticket.
        name: (typeof name === 'string' && normalizeText(name, MAX_NAME_CHARS)) || userId,
        guest: Boolean(u?.is_restricted || u?.is_ultra_restricted),
      };
    } catch (err) {
      // Unknown here (e.g. an external user the API won't describe): a customer by default.
      this.logger.debug({ err: (err as Error).message, userId }, 'users.info failed');
    }
    if (this.cache.size >= this.max) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(userId, { facts, at: performance.now() });
    return facts;
  }

  /** One message by channel and ts (for 🎫 reactions). */
  async message(
    channel: string,
    ts: string,
  ): Promise<{ user?: string; text?: string; thread_ts?: string; team?: string; user_team?: string } | null> {
    try {
      const r = await this.client.conversations.replies({ channel, ts, limit: 1, inclusive: true });
      const m = (r.messages ?? [])[0] as { ts?: string } | undefined;
      if (m && m.ts === ts) return m as never;
    } catch {
      // A reply inside a thread is not a thread parent: look in the channel history instead.
    }
    const h = await this.client.conversations.history({ channel, latest: ts, inclusive: true, limit: 1 });
    const m = (h.messages ?? [])[0] as { ts?: string } | undefined;
    return m && m.ts === ts ? (m as never) : null;
  }
}
