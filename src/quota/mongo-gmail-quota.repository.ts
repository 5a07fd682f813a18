import { MongoServerError, type Collection, type Db } from 'mongodb';
import type { GmailQuotaRepository, QuotaWindow } from './gmail-quota.repository';

export interface MongoGmailQuotaRepositoryOptions {
  /** Collection of windows and blocks, e.g. `gmailQuota` (the default). */
  readonly collectionName?: string;
  /** How long a window document outlives its window before the TTL sweep may remove it, e.g. 60,000 ms. */
  readonly keepAfterWindowMs?: number;
}

/**
 * Two kinds of document share the collection, told apart by `_id`:
 * - `<userId>:<windowStartMs>`: `units` spent in that window;
 * - `<userId>:block`: `until`, the end of a limit Google announced.
 * Both carry `expiresAt` for the TTL index; reads never rely on the sweep having run.
 */
interface QuotaDocument {
  _id: string;
  userId: string;
  units?: number;
  windowStart?: Date;
  until?: Date;
  expiresAt: Date;
}

const DUPLICATE_KEY = 11000;

/** MongoDB implementation of {@link GmailQuotaRepository}; created once per process. */
export class MongoGmailQuotaRepository implements GmailQuotaRepository {
  private readonly collection: Collection<QuotaDocument>;
  private readonly keepAfterWindowMs: number;

  constructor(db: Db, options: MongoGmailQuotaRepositoryOptions = {}) {
    this.collection = db.collection<QuotaDocument>(options.collectionName ?? 'gmailQuota');
    this.keepAfterWindowMs = options.keepAfterWindowMs ?? 60_000;
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndexes([{ key: { expiresAt: 1 }, expireAfterSeconds: 0 }]);
  }

  async reserve(userId: string, window: QuotaWindow, units: number, limit: number): Promise<number | null> {
    // An upsert seeds `units` from $inc alone, so a cost above the limit would slip into a fresh window.
    if (units > limit) return null;
    const _id = windowId(userId, window);
    // The filter only matches while the units fit; when the window exists but is too full, the upsert tries to
    // insert a second document with the same _id and fails with a duplicate key: "not enough left". Two first
    // reservations of a fresh window race the same way, so a duplicate key is tried once more, when the document
    // exists and only the units decide.
    for (let attempt = 1; ; attempt++) {
      try {
        const after = await this.collection.findOneAndUpdate(
          { _id, units: { $lte: limit - units } },
          { $inc: { units }, $setOnInsert: this.windowFields(userId, window) },
          { upsert: true, returnDocument: 'after' },
        );
        return after?.units ?? units;
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
        if (attempt >= 2) return null;
      }
    }
  }

  async adjust(userId: string, window: QuotaWindow, units: number): Promise<number> {
    const after = await this.collection.findOneAndUpdate(
      { _id: windowId(userId, window) },
      { $inc: { units }, $setOnInsert: this.windowFields(userId, window) },
      { upsert: true, returnDocument: 'after' },
    );
    return after?.units ?? units;
  }

  async block(userId: string, until: Date): Promise<void> {
    await this.collection.updateOne(
      { _id: blockId(userId) },
      { $max: { until, expiresAt: until }, $setOnInsert: { userId } },
      { upsert: true },
    );
  }

  async blockedUntil(userId: string, now: Date): Promise<Date | null> {
    const found = await this.collection.findOne({ _id: blockId(userId) });
    const until = found?.until;
    return until !== undefined && until.getTime() > now.getTime() ? until : null;
  }

  private windowFields(
    userId: string,
    window: QuotaWindow,
  ): Pick<QuotaDocument, 'userId' | 'windowStart' | 'expiresAt'> {
    return {
      userId,
      windowStart: new Date(window.startMs),
      expiresAt: new Date(window.endMs + this.keepAfterWindowMs),
    };
  }
}

function windowId(userId: string, window: QuotaWindow): string {
  return `${userId}:${window.startMs}`;
}

function blockId(userId: string): string {
  return `${userId}:block`;
}
