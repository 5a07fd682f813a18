// The per-user Gmail budget every instance shares: units spent per user and fixed window, and the blocks Google
// announced ("Retry after <time>"). Only accelerators live in a process; this is the truth.

/** One fixed window of a user's budget: [startMs, endMs). */
export interface QuotaWindow {
  readonly startMs: number;
  readonly endMs: number;
}

export interface GmailQuotaRepository {
  /** Creates the indexes (TTL on expiry); idempotent. */
  ensureIndexes(): Promise<void>;

  /**
   * Adds `units` to the user's window if the window's total stays within `limit`, in one atomic write; returns
   * the window's units after it, or null (nothing written) when they would not fit.
   */
  reserve(userId: string, window: QuotaWindow, units: number, limit: number): Promise<number | null>;

  /** Adds `units` (negative: gives them back) to the window, unconditionally; returns the window's units after. */
  adjust(userId: string, window: QuotaWindow, units: number): Promise<number>;

  /** Blocks the user until `until`; a later block already recorded wins. */
  block(userId: string, until: Date): Promise<void>;

  /** The end of the user's block if it lies after `now`, else null. */
  blockedUntil(userId: string, now: Date): Promise<Date | null>;
}
