import { createHash, randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
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

/** MongoDB implementation of {@link SessionRepository}; created once per process. */
export class MongoSessionRepository implements SessionRepository {
  private readonly collection: Collection<SessionDocument>;
  private readonly now: () => Date;
  private readonly randomBytes: (size: number) => Buffer;

  constructor(db: Db, options: MongoSessionRepositoryOptions = {}) {
    this.collection = db.collection<SessionDocument>(options.collectionName ?? 'sessions');
    this.now = options.now ?? (() => new Date());
    this.randomBytes = options.randomBytes ?? cryptoRandomBytes;
    this.idleMs = (options.idleSeconds ?? DEFAULT_IDLE_SECONDS) * 1000;
  }

  private readonly idleMs: number;

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
    if (!TOKEN_PATTERN.test(token)) return null;
    const id = hashToken(token);
    const document = await this.collection.findOne({ _id: id });
    const now = this.now().getTime();
    // The TTL monitor runs about once a minute (and never on some servers): expiry is decided here.
    if (document === null || document.expiresAt.getTime() <= now) return null;
    const lastUsedAt = (document.lastUsedAt ?? document.createdAt).getTime();
    if (now - lastUsedAt >= this.idleMs) {
      // Idle past the limit: gone for good, even if the absolute lifetime would allow more.
      await this.collection.deleteOne({ _id: id });
      return null;
    }
    if (now - lastUsedAt >= TOUCH_INTERVAL_MS) {
      // Conditional, so concurrent requests of one session write once between them.
      await this.collection.updateOne(
        {
          _id: id,
          $or: [
            { lastUsedAt: { $lte: new Date(now - TOUCH_INTERVAL_MS) } },
            { lastUsedAt: { $exists: false } },
          ],
        },
        { $set: { lastUsedAt: new Date(now) } },
      );
    }
    return { userId: document.userId, createdAt: document.createdAt, expiresAt: document.expiresAt };
  }

  async deleteByToken(token: string): Promise<boolean> {
    if (!TOKEN_PATTERN.test(token)) return false;
    const result = await this.collection.deleteOne({ _id: hashToken(token) });
    return result.deletedCount === 1;
  }

  async deleteAllForUser(userId: string): Promise<number> {
    const result = await this.collection.deleteMany({ userId });
    return result.deletedCount;
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
