import { sessionTokenHash, TOUCH_INTERVAL_MS, type MongoSessionRepository } from './mongo-session.repository';
import type { SessionCache } from './session-cache';
import type { Session, SessionRepository } from './session.repository';

/**
 * {@link SessionRepository} with lookups served from the process's {@link SessionCache} while it may serve them;
 * created once per process (SESSION_CACHE_ENABLED). Everything else is MongoSessionRepository's, whose `onEnded`
 * evicts here and publishes to the feed on every path that deletes sessions.
 *
 * A cached session obeys the same rules as a stored one: it ends at `expiresAt`, and it goes back to MongoDB
 * when the use it knows of is a minute old, which both records the use (at most once a minute, as without a
 * cache) and applies the idle timeout against the stored `lastUsedAt`. So no entry is served more than a minute
 * after it was last read from MongoDB, even if a revocation never reached the feed.
 */
export class CachedSessionRepository implements SessionRepository {
  constructor(
    private readonly stored: MongoSessionRepository,
    private readonly cache: SessionCache,
    private readonly now: () => Date,
  ) {}

  ensureIndexes(): Promise<void> {
    return this.stored.ensureIndexes();
  }

  create(userId: string, ttlSeconds: number): Promise<{ token: string; session: Session }> {
    return this.stored.create(userId, ttlSeconds);
  }

  async findByToken(token: string): Promise<Session | null> {
    const tokenHash = sessionTokenHash(token);
    if (tokenHash === null) return null;
    const cached = this.cache.get(tokenHash);
    if (cached !== null) {
      const now = this.now().getTime();
      if (cached.session.expiresAt.getTime() <= now) {
        this.cache.forget(tokenHash);
        return null;
      }
      // The idle timeout is at least two minutes (SESSION_IDLE_SECONDS), so this is the touch interval in practice.
      if (now - cached.lastUsedAt.getTime() < Math.min(TOUCH_INTERVAL_MS, this.stored.idleMs)) {
        return cached.session;
      }
      this.cache.forget(tokenHash);
    }
    const ticket = this.cache.ticket();
    const record = await this.stored.findByHash(tokenHash);
    if (record === null) return null;
    this.cache.put(record, ticket);
    return record.session;
  }

  deleteByToken(token: string): Promise<boolean> {
    return this.stored.deleteByToken(token);
  }

  deleteAllForUser(userId: string): Promise<number> {
    return this.stored.deleteAllForUser(userId);
  }
}
