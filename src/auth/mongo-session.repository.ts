import { createHash, randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import type { SessionRevocation } from './session-revocations';
import type { Session, SessionRepository } from './session.repository';

export interface MongoSessionRepositoryOptions {
  /** Collection of sessions, e.g. `sessions` (the default). */
  readonly collectionName?: string;
  /** The clock for creation and expiry checks; tests inject one. */
  readonly now?: () => Date;
  /**
   * The random source for tokens; tests inject a deterministic one.
   * Security: in production this must be a CSPRNG (node:crypto's `randomBytes`, the default).
   */
  readonly randomBytes?: (size: number) => Buffer;
  /**
   * A session unused this long ends, whatever its absolute expiry says (SESSION_IDLE_SECONDS), e.g. 86400.
   * Default 24 hours.
   */
  readonly idleSeconds?: number;
  /**
   * Called after sessions were deleted, by every path that deletes them (sign-out, a user's sessions ended, an
   * idle session found): where caches are told (session-cache.ts evicts locally and publishes to the feed). The
   * deleting call waits for it and fails with it.
   */
  readonly onEnded?: (revocation: SessionRevocation) => Promise<void>;
}

/** A stored session with what a cache needs to keep applying the idle timeout and recording use. */
export interface SessionRecord {
  /** SHA-256 of the token, hex: the document key, and how the revocations feed names one session. */
  readonly tokenHash: string;
  readonly session: Session;
  /** The last recorded use, as stored after this read (this read's, when it recorded one). */
  readonly lastUsedAt: Date;
}

interface SessionDocument {
  /** SHA-256 of the token, hex. The token itself is never stored. */
  _id: string;
  userId: string;
  createdAt: Date;
  /** The TTL index removes the document some time after this; reads check it themselves. */
  expiresAt: Date;
  /**
   * When the session was last used, to within {@link TOUCH_INTERVAL_MS}: recording every use would make every
   * read a write. Absent in documents written before idle timeouts existed (createdAt counts then).
   */
  lastUsedAt?: Date;
}

/**
 * `gs_` ("gateway session") lets secret scanners recognise a leaked token. 32 random bytes = 256 bits, which is
 * also why a plain SHA-256 is enough to store it: nothing can be brute-forced back from the hash, no salt or
 * slow hash needed (those protect low-entropy passwords).
 */
const TOKEN_PREFIX = 'gs_';
const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^gs_[A-Za-z0-9_-]{43}$/;
/** lastUsedAt is rewritten at most once a minute per session, so an idle timeout is exact to within a minute. */
export const TOUCH_INTERVAL_MS = 60_000;
const DEFAULT_IDLE_SECONDS = 24 * 3600;

/** The key of a token's session (SHA-256, hex), or null for a string that cannot be a session token. */
export function sessionTokenHash(token: string): string | null {
  return TOKEN_PATTERN.test(token) ? hashToken(token) : null;
}

/** MongoDB implementation of {@link SessionRepository}; created once per process. */
export class MongoSessionRepository implements SessionRepository {
  private readonly collection: Collection<SessionDocument>;
  private readonly now: () => Date;
  private readonly randomBytes: (size: number) => Buffer;
  private readonly onEnded: (revocation: SessionRevocation) => Promise<void>;

  constructor(db: Db, options: MongoSessionRepositoryOptions = {}) {
    this.collection = db.collection<SessionDocument>(options.collectionName ?? 'sessions');
    this.now = options.now ?? (() => new Date());
    this.randomBytes = options.randomBytes ?? cryptoRandomBytes;
    this.idleMs = (options.idleSeconds ?? DEFAULT_IDLE_SECONDS) * 1000;
    this.onEnded = options.onEnded ?? (() => Promise.resolve());
  }

  /** The idle timeout in ms (SESSION_IDLE_SECONDS). */
  readonly idleMs: number;

  async ensureIndexes(): Promise<void> {
    // The token hash is `_id`, unique by construction.
    await this.collection.createIndexes([
      { key: { userId: 1 } },
      { key: { expiresAt: 1 }, expireAfterSeconds: 0 },
    ]);
  }

  async create(userId: string, ttlSeconds: number): Promise<{ token: string; session: Session }> {
    if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new RangeError('ttlSeconds must be positive');
    const random = this.randomBytes(TOKEN_BYTES);
    if (random.length !== TOKEN_BYTES) throw new RangeError(`randomBytes must return ${TOKEN_BYTES} bytes`);
    const token = TOKEN_PREFIX + random.toString('base64url');
    const createdAt = this.now();
    const session: Session = {
      userId,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + ttlSeconds * 1000),
    };
    await this.collection.insertOne({ _id: hashToken(token), ...session, lastUsedAt: createdAt });
    return { token, session };
  }

  async findByToken(token: string): Promise<Session | null> {
    const tokenHash = sessionTokenHash(token);
    return tokenHash === null ? null : ((await this.findByHash(tokenHash))?.session ?? null);
  }

  /** {@link findByToken} by the token's hash (see sessionTokenHash), with the use as recorded. */
  async findByHash(tokenHash: string): Promise<SessionRecord | null> {
    const document = await this.collection.findOne({ _id: tokenHash });
    const now = this.now().getTime();
    // The TTL monitor runs about once a minute (and never on some servers): expiry is decided here.
    if (document === null || document.expiresAt.getTime() <= now) return null;
    let lastUsedAt = (document.lastUsedAt ?? document.createdAt).getTime();
    if (now - lastUsedAt >= this.idleMs) {
      // Idle past the limit: gone for good, even if the absolute lifetime would allow more.
      const result = await this.collection.deleteOne({ _id: tokenHash });
      if (result.deletedCount === 1) await this.onEnded({ tokenHash });
      return null;
    }
    if (now - lastUsedAt >= TOUCH_INTERVAL_MS) {
      // Conditional, so concurrent requests of one session write once between them.
      await this.collection.updateOne(
        {
          _id: tokenHash,
          $or: [
            { lastUsedAt: { $lte: new Date(now - TOUCH_INTERVAL_MS) } },
            { lastUsedAt: { $exists: false } },
          ],
        },
        { $set: { lastUsedAt: new Date(now) } },
      );
      lastUsedAt = now;
    }
    return {
      tokenHash,
      session: { userId: document.userId, createdAt: document.createdAt, expiresAt: document.expiresAt },
      lastUsedAt: new Date(lastUsedAt),
    };
  }

  async deleteByToken(token: string): Promise<boolean> {
    const tokenHash = sessionTokenHash(token);
    if (tokenHash === null) return false;
    const result = await this.collection.deleteOne({ _id: tokenHash });
    if (result.deletedCount !== 1) return false;
    await this.onEnded({ tokenHash });
    return true;
  }

  async deleteAllForUser(userId: string): Promise<number> {
    const result = await this.collection.deleteMany({ userId });
    // Announced even when nothing was deleted here: a disconnect retried after a failed announcement must still
    // reach the other instances. Only authenticated paths end a user's sessions, so this is not per-request work.
    await this.onEnded({ userId });
    return result.deletedCount;
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
