import { createHash } from 'node:crypto';
import { MongoServerError, type Collection, type Db } from 'mongodb';
import type { AuthorizationRequestRepository } from './authorization-request.repository';

export interface MongoAuthorizationRequestRepositoryOptions {
  /** Collection of used-state markers, e.g. `authorizationRequests` (the default). */
  readonly collectionName?: string;
  /** The clock for `usedAt`; tests inject one. */
  readonly now?: () => Date;
}

/**
 * How long a marker outlives its state. Instances judge expiry by their own clocks: an instance running behind
 * must not find the marker swept while it still takes the state for valid.
 */
const CLOCK_SKEW_MARGIN_MS = 5 * 60_000;
const DUPLICATE_KEY = 11000;

interface UsedStateDocument {
  /** SHA-256 of the state, hex: unique by construction, so one insert per state can succeed. */
  _id: string;
  /** The TTL index removes the marker some time after this. */
  expiresAt: Date;
  usedAt: Date;
}

/** MongoDB implementation of {@link AuthorizationRequestRepository}; created once per process. */
export class MongoAuthorizationRequestRepository implements AuthorizationRequestRepository {
  private readonly collection: Collection<UsedStateDocument>;
  private readonly now: () => Date;

  constructor(db: Db, options: MongoAuthorizationRequestRepositoryOptions = {}) {
    this.collection = db.collection<UsedStateDocument>(options.collectionName ?? 'authorizationRequests');
    this.now = options.now ?? (() => new Date());
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  }

  /** One insert under the unique `_id`: of any number of concurrent calls with one state, exactly one wins. */
  async recordUse(state: string, expiresAt: Date): Promise<boolean> {
    try {
      await this.collection.insertOne({
        _id: createHash('sha256').update(state, 'utf8').digest('hex'),
        expiresAt: new Date(expiresAt.getTime() + CLOCK_SKEW_MARGIN_MS),
        usedAt: this.now(),
      });
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
      throw error;
    }
  }
}
