/**
 * Gmail calls in flight per user, one per emulator: the peak is recorded whatever the limit, so a test can
 * assert that a client never had more than N calls out at once. Calls refused by the limit count as in flight
 * too (the client did send them); only admitted ones count against the limit.
 */
export class InFlightCounter {
  private readonly users = new Map<string, { inFlight: number; admitted: number; peak: number }>();

  constructor(private limit: number | undefined) {
    validateLimit(limit);
  }

  setLimit(limit: number | undefined): void {
    validateLimit(limit);
    this.limit = limit;
  }

  /** One call arrives; `leave()` must be called once it is answered (or abandoned). */
  enter(userId: string): { readonly admitted: boolean; leave(): void } {
    const user = this.users.get(userId) ?? { inFlight: 0, admitted: 0, peak: 0 };
    this.users.set(userId, user);
    user.inFlight += 1;
    user.peak = Math.max(user.peak, user.inFlight);
    const admitted = this.limit === undefined || user.admitted < this.limit;
    if (admitted) user.admitted += 1;
    let left = false;
    return {
      admitted,
      leave: () => {
        if (left) return;
        left = true;
        user.inFlight -= 1;
        if (admitted) user.admitted -= 1;
      },
    };
  }

  get maxPerUser(): number | null {
    return this.limit ?? null;
  }

  inFlight(userId: string): number {
    return this.users.get(userId)?.inFlight ?? 0;
  }

  peak(userId: string): number {
    return this.users.get(userId)?.peak ?? 0;
  }

  /** Peaks start again from what is in flight now. */
  resetPeaks(userId?: string): void {
    for (const [id, user] of this.users) if (userId === undefined || id === userId) user.peak = user.inFlight;
  }
}

function validateLimit(limit: number | undefined): void {
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
    throw new Error(`maxConcurrentPerUser must be an integer >= 1, got ${limit}`);
  }
}
