// The per-user Gmail budget every instance shares: units spent per user and fixed window, and the blocks Google
// announced ("Retry after <time>"). Only accelerators live in a process; this is the truth.

/** One fixed window of a user's budget: [startMs, endMs). */
export interface QuotaWindow {
  readonly startMs: number;
  readonly endMs: number;
}

/** What {@link GmailQuotaRepository.reserveUnlessBlocked} did. */
export type QuotaReservation =
  | { readonly kind: 'reserved'; /** The window's units after it. */ readonly unitsAfter: number }
  | { readonly kind: 'blocked'; readonly until: Date }
  | { readonly kind: 'full' };

export interface GmailQuotaRepository {
  /** Creates the indexes (TTL on expiry); idempotent. */
  ensureIndexes(): Promise<void>;

  /**
   * Adds `units` to the user's window if the window's total stays within `limit` and no block holds at `now` (a
   * block wins over a full window; a refused reservation keeps no units), in one atomic write once the window's first reservation is done: the request path's only round trip to the budget. The
   * first reservation of a window also reads the block and marks the window checked (three round trips once per
   * user and window), a refusal reads the block to say why, and a reservation that finds the user blocked gives
   * its units back, so a blocked user never keeps units.
   */
  reserveUnlessBlocked(
    userId: string,
    window: QuotaWindow,
    units: number,
    limit: number,
    now: Date,
  ): Promise<QuotaReservation>;

  /** Adds `units` (negative: gives them back) to the window, unconditionally; returns the window's units after. */
  adjust(userId: string, window: QuotaWindow, units: number): Promise<number>;

  /** Blocks the user until `until`; a later block already recorded wins. */
  block(userId: string, until: Date): Promise<void>;

  /** The end of the user's block if it lies after `now`, else null. */
  blockedUntil(userId: string, now: Date): Promise<Date | null>;
}
