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
}

interface SessionDocument {
  /** SHA-256 of the token, hex. The token itself is never stored. */
  _id: string;
  userId: string;
  createdAt: Date;
  /** The TTL index removes the document some time after this; reads check it themselves. */
  expiresAt: Date;
}

/**
 * `gs_` ("gateway session") lets secret scanners recognise a leaked token. 32 random bytes = 256 bits, which is
 * also why a plain SHA-256 is enough to store it: nothing can be brute-forced back from the hash, no salt or
 * slow hash needed (those protect low-entropy passwords).
 */
const TOKEN_PREFIX = 'gs_';
const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^gs_[A-Za-z0-9_-]{43}$/;

/** MongoDB implementation of {@link SessionRepository}; created once per process. */
export class MongoSessionRepository implements SessionRepository {
  private readonly collection: Collection<SessionDocument>;
  private readonly now: () => Date;
  private readonly randomBytes: (size: number) => Buffer;

  constructor(db: Db, options: MongoSessionRepositoryOptions = {}) {
    this.collection = db.collection<SessionDocument>(options.collectionName ?? 'sessions');
    this.now = options.now ?? (() => new Date());
    this.randomBytes = options.randomBytes ?? cryptoRandomBytes;
  }

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
    await this.collection.insertOne({ _id: hashToken(token), ...session });
    return { token, session };
  }

  async findByToken(token: string): Promise<Session | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const document = await this.collection.findOne({ _id: hashToken(token) });
    // The TTL monitor runs about once a minute (and never on some servers): expiry is decided here.
    if (document === null || document.expiresAt.getTime() <= this.now().getTime()) return null;
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
