import { MongoServerError, type Collection, type Db, type Filter } from 'mongodb';
import type { GmailQuotaRepository, QuotaReservation, QuotaWindow } from './gmail-quota.repository';

export interface MongoGmailQuotaRepositoryOptions {
  /** Collection of windows and blocks, e.g. `gmailQuota` (the default). */
  readonly collectionName?: string;
  /** How long a window document outlives its window before the TTL sweep may remove it, e.g. 60,000 ms. */
  readonly keepAfterWindowMs?: number;
}

/**
 * Two kinds of document share the collection, told apart by `_id`:
 * - `<userId>:<windowStartMs>`: `units` spent in that window; `blockedUntil`, a block's end copied from the
 *   block document; `blockChecked` once a reservation read the block document after the window existed;
 * - `<userId>:block`: `until`, the end of a limit Google announced.
 * Both carry `expiresAt` for the TTL index; reads never rely on the sweep having run.
 */
interface QuotaDocument {
  _id: string;
  userId: string;
  units?: number;
  windowStart?: Date;
  blockedUntil?: Date;
  blockChecked?: boolean;
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
    await this.collection.createIndexes([
      { key: { expiresAt: 1 }, expireAfterSeconds: 0 },
      // block() stamps the user's windows.
      { key: { userId: 1, windowStart: 1 } },
    ]);
  }

  async reserveUnlessBlocked(
    userId: string,
    window: QuotaWindow,
    units: number,
    limit: number,
    now: Date,
  ): Promise<QuotaReservation> {
    const added = await this.addIfFits(userId, window, units, limit, now);
    if (added === null) {
      const until = await this.blockedUntil(userId, now);
      return until === null ? { kind: 'full' } : { kind: 'blocked', until };
    }
    if (added.blockChecked) return { kind: 'reserved', unitsAfter: added.unitsAfter };
    const _id = windowId(userId, window);
    const until = await this.blockedUntil(userId, now);
    if (until === null) {
      // From here on block() finds this window and stamps it, so its reservations need not read the block.
      await this.collection.updateOne({ _id }, { $set: { blockChecked: true } });
      return { kind: 'reserved', unitsAfter: added.unitsAfter };
    }
    // Gives the units back and stamps the block, so the window's next reservations refuse in their one write.
    await this.collection.updateOne({ _id }, { $inc: { units: -units }, $max: { blockedUntil: until } });
    return { kind: 'blocked', until };
  }

  /**
   * Adds `units` to the window if they fit, unless the window carries a block past `now`.
   * `blockChecked`: someone read the block document after the window document existed, so a block recorded
   * later is stamped on it; until then (a fresh window, whose first reservations may race) a block recorded
   * before the window existed may be missing from it, and the caller reads the block document.
   */
  private async addIfFits(
    userId: string,
    window: QuotaWindow,
    units: number,
    limit: number,
    now: Date,
  ): Promise<{ unitsAfter: number; blockChecked: boolean } | null> {
    // An upsert seeds `units` from $inc alone, so a cost above the limit would slip into a fresh window.
    if (units > limit) return null;
    const _id = windowId(userId, window);
    const filter: Filter<QuotaDocument> = {
      _id,
      units: { $lte: limit - units },
      blockedUntil: { $not: { $gt: now } },
    };
    // The filter only matches while the units fit (and no block holds); when the window exists but refuses, the
    // upsert tries to insert a second document with the same _id and fails with a duplicate key: "refused". Two
    // first reservations of a fresh window race the same way, so a duplicate key is tried once more, when the
    // document exists and only its fields decide.
    for (let attempt = 1; ; attempt++) {
      try {
        const before = await this.collection.findOneAndUpdate(
          filter,
          { $inc: { units }, $setOnInsert: this.windowFields(userId, window) },
          { upsert: true, returnDocument: 'before' },
        );
        return { unitsAfter: (before?.units ?? 0) + units, blockChecked: before?.blockChecked === true };
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
    // After the block document, so that a window created meanwhile is either stamped here or reads the block
    // (see reserveUnlessBlocked).
    await this.collection.updateMany(
      { userId, windowStart: { $lt: until } },
      { $max: { blockedUntil: until } },
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
