import type { Collection, Db } from 'mongodb';
import type { SessionRevocation, SessionRevocationFeed } from './session-revocations';

export interface MongoSessionRevocationsOptions {
  /** Collection of feed entries, e.g. `sessionRevocations` (the default). */
  readonly collectionName?: string;
  /** The clock that stamps entries; tests inject one. */
  readonly now?: () => Date;
}

interface RevocationDocument {
  /** When the sessions ended, by the publishing instance's clock; readers allow for skew (REVOCATION_OVERLAP_MS). */
  at: Date;
  /** The TTL index removes the entry some time after this (at least REVOCATION_RETENTION_MS after `at`). */
  expiresAt: Date;
  tokenHash?: string;
  userId?: string;
}

/**
 * How long an entry stays readable at least. Readers poll twice a second, so a minute is plenty; an instance
 * whose polls failed for longer than that can no longer know what it missed and drops its whole cache.
 */
export const REVOCATION_RETENTION_MS = 60_000;

/**
 * MongoDB implementation of {@link SessionRevocationFeed}; created once per process. The collection holds only
 * the last minute or two of sign-outs and disconnects (TTL), so a poll reads a handful of documents through the
 * `at` index whatever the traffic.
 */
export class MongoSessionRevocations implements SessionRevocationFeed {
  private readonly collection: Collection<RevocationDocument>;
  private readonly now: () => Date;

  constructor(db: Db, options: MongoSessionRevocationsOptions = {}) {
    this.collection = db.collection<RevocationDocument>(options.collectionName ?? 'sessionRevocations');
    this.now = options.now ?? (() => new Date());
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndexes([
      { key: { at: 1 } },
      { key: { expiresAt: 1 }, expireAfterSeconds: 0 },
    ]);
  }

  async publish(revocation: SessionRevocation): Promise<void> {
    const at = this.now();
    await this.collection.insertOne({
      at,
      expiresAt: new Date(at.getTime() + REVOCATION_RETENTION_MS),
      ...('tokenHash' in revocation ? { tokenHash: revocation.tokenHash } : { userId: revocation.userId }),
    });
  }

  async since(since: Date, limit: number): Promise<{ revocations: SessionRevocation[]; truncated: boolean }> {
    const documents = await this.collection
      .find({ at: { $gte: since } }, { projection: { _id: 0, tokenHash: 1, userId: 1 } })
      .limit(limit + 1)
      .toArray();
    const revocations: SessionRevocation[] = [];
    for (const document of documents.slice(0, limit)) {
      if (typeof document.tokenHash === 'string') revocations.push({ tokenHash: document.tokenHash });
      else if (typeof document.userId === 'string') revocations.push({ userId: document.userId });
    }
    return { revocations, truncated: documents.length > limit };
  }
}
