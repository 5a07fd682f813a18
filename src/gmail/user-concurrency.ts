// How many Gmail calls each user has in flight from this instance. Gmail refuses a user's calls beyond about
// ten at once (429 "Too many concurrent requests for user"), whichever of the user's requests sent them, so the
// limit is per user and shared by all of that user's requests, not per request.

interface UserSlots {
  active: number;
  /** Calls waiting for a slot, first come first served. */
  readonly waiting: Array<() => void>;
}

/**
 * Created once per process. Holds an entry only for a user with calls running or waiting: the entry is dropped
 * when the user's last call ends, so memory follows the users active right now, not every user ever seen.
 */
export class UserConcurrency {
  private readonly users = new Map<string, UserSlots>();

  /** @param limit Gmail calls one user may have in flight at once, e.g. 10 (GMAIL_USER_CONCURRENCY). */
  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit must be an integer >= 1, got ${limit}`);
  }

  /**
   * Runs `task` once the user has a free slot. An abort while waiting rejects with the signal's reason and
   * gives the place up; a running task keeps its slot until it settles (its call is still out at Google).
   */
  async run<T>(userId: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(userId, signal);
    try {
      return await task();
    } finally {
      this.release(userId);
    }
  }

  /** Users holding or waiting for a slot (for tests: it must fall back to 0). */
  get trackedUsers(): number {
    return this.users.size;
  }

  private acquire(userId: string, signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    let user = this.users.get(userId);
    if (user === undefined) {
      user = { active: 0, waiting: [] };
      this.users.set(userId, user);
    }
    if (user.active < this.limit) {
      user.active += 1;
      return Promise.resolve();
    }
    const slots = user;
    return new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', abandon);
        resolve();
      };
      const abandon = (): void => {
        const index = slots.waiting.indexOf(grant);
        if (index !== -1) slots.waiting.splice(index, 1);
        this.dropIfIdle(userId, slots);
        reject(signal?.reason as Error);
      };
      slots.waiting.push(grant);
      signal?.addEventListener('abort', abandon, { once: true });
    });
  }

  private release(userId: string): void {
    const user = this.users.get(userId);
    if (user === undefined) return;
    const next = user.waiting.shift();
    // The slot passes straight to the next waiter, so `active` stays as it is.
    if (next !== undefined) next();
    else {
      user.active -= 1;
      this.dropIfIdle(userId, user);
    }
  }

  private dropIfIdle(userId: string, user: UserSlots): void {
    if (user.active === 0 && user.waiting.length === 0) this.users.delete(userId);
  }
}
