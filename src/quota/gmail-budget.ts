import { RateLimitedError } from '../errors';
import type { Metrics } from '../metrics';
import type { Logger } from '../logger';
import { classifyGoogleError } from '../upstream/google-errors';
import type { GmailQuotaCosts, GmailQuotaMethod } from './gmail-costs';
import type { GmailQuotaRepository, QuotaWindow } from './gmail-quota.repository';

// The per-user Gmail budget, shared by every instance through the repository. A request reserves what its plan
// says it will spend with one conditional write, before its first Gmail call (the same write refuses while a
// limit Google announced holds); draws from the reservation per
// attempt (Google charges attempts, retries included); and settles the difference once, when it answers.

/** What a response tells the client about the user's budget (`extensions.gmailQuota`). */
export interface GmailQuotaReport {
  /** Units this request spent. */
  readonly spentUnits: number;
  /** The limit minus the units the window holds after this request settled. */
  readonly remainingUnits: number;
  /** When the window ends (ISO 8601). */
  readonly resetAt: string;
}

/** What gmail.client asks of the budget: every attempt of a Gmail call runs through it. */
export interface GmailMeter {
  /**
   * Charges one attempt of `method`, then runs it. The request's first attempt reserves the request's plan
   * (RATE_LIMITED, without running `request`, when the user's window cannot hold it or Google announced a limit
   * that has not ended); a rate limit Google announces in the answer blocks the user on every instance.
   */
  attempt<T>(method: GmailQuotaMethod, request: () => Promise<T>): Promise<T>;
}

export interface GmailBudgetOptions {
  readonly repository: GmailQuotaRepository;
  /** Units one user may spend per window, e.g. 6000 (GMAIL_USER_QUOTA_PER_MINUTE). */
  readonly unitsPerWindow: number;
  /** Window length, 60,000 ms in production; tests shorten it. */
  readonly windowMs: number;
  readonly costs: GmailQuotaCosts;
  readonly now: () => Date;
  readonly logger: Logger;
  /** Counts the units spent and the units refused (gateway_gmail_quota_units_total). */
  readonly metrics: Pick<Metrics, 'quota'>;
}

/** Created once per process; opens one {@link RequestQuota} per GraphQL request. */
export class GmailBudget {
  constructor(readonly options: GmailBudgetOptions) {}

  openRequest(): RequestQuota {
    return new RequestQuota(this.options);
  }
}

/** The fixed window holding `now`: windows start at multiples of `windowMs` since the epoch. */
export function quotaWindowAt(now: Date, windowMs: number): QuotaWindow {
  const startMs = Math.floor(now.getTime() / windowMs) * windowMs;
  return { startMs, endMs: startMs + windowMs };
}

interface Reservation {
  readonly userId: string;
  readonly window: QuotaWindow;
  readonly reserved: number;
  /** The window's units right after the reservation. */
  readonly unitsAfter: number;
}

/** One per request: the plan, the reservation and what was really spent. */
export class RequestQuota {
  private plannedUnits = 0;
  private reservation: Promise<Reservation> | undefined;
  private spent = 0;
  private settled = false;

  constructor(private readonly options: GmailBudgetOptions) {}

  /** The units the operation's plan says it spends at most (see planGmailCalls); set before resolvers run. */
  plan(units: number): void {
    this.plannedUnits = units;
  }

  /** The meter for the session's user; a request only ever reads one user's mailbox. */
  meterFor(userId: string): GmailMeter {
    return { attempt: (method, request) => this.attempt(userId, method, request) };
  }

  /**
   * Settles the reservation with what was spent (one write, only when they differ) and reports the budget;
   * null when the request made no Gmail call. Never throws: a failed settlement is logged, the answer stands.
   */
  async settle(): Promise<GmailQuotaReport | null> {
    if (this.reservation === undefined) return null;
    this.settled = true;
    if (this.spent > 0) this.options.metrics.quota('spent', this.spent);
    let reservation: Reservation;
    try {
      reservation = await this.reservation;
    } catch {
      return null;
    }
    let units = reservation.unitsAfter - reservation.reserved + this.spent;
    const difference = this.spent - reservation.reserved;
    if (difference !== 0) {
      try {
        units = await this.options.repository.adjust(reservation.userId, reservation.window, difference);
      } catch (error) {
        this.options.logger.warn({ err: error, userId: reservation.userId }, 'gmail quota settlement failed');
      }
    }
    return {
      spentUnits: this.spent,
      remainingUnits: Math.max(0, this.options.unitsPerWindow - units),
      resetAt: new Date(reservation.window.endMs).toISOString(),
    };
  }

  private async attempt<T>(userId: string, method: GmailQuotaMethod, request: () => Promise<T>): Promise<T> {
    const cost = this.options.costs[method];
    this.reservation ??= this.reserve(userId, cost);
    await this.reservation;
    // Only a request abandoned at its deadline can get here: its answer is out, so nothing may start.
    if (this.settled) throw new Error('the request already answered; no Gmail call may start');
    this.spent += cost;
    try {
      return await request();
    } catch (error) {
      await this.recordAnnouncedLimit(userId, error);
      throw error;
    }
  }

  private async reserve(userId: string, firstCost: number): Promise<Reservation> {
    const { repository, unitsPerWindow } = this.options;
    const now = this.options.now();
    // The plan is an upper bound; a call it did not foresee still reserves its own cost.
    const units = Math.max(this.plannedUnits, firstCost);
    const window = quotaWindowAt(now, this.options.windowMs);
    const result = await repository.reserveUnlessBlocked(userId, window, units, unitsPerWindow, now);
    if (result.kind === 'reserved') return { userId, window, reserved: units, unitsAfter: result.unitsAfter };
    this.options.metrics.quota('refused', units);
    throw result.kind === 'blocked'
      ? rateLimited(now, result.until.getTime())
      : rateLimited(now, window.endMs, 'budget');
  }

  /** Google named when its limit ends ("Retry after <time>" or Retry-After): every instance waits until then. */
  private async recordAnnouncedLimit(userId: string, error: unknown): Promise<void> {
    const kind = classifyGoogleError(error);
    if (kind.kind !== 'rateLimited' || kind.retryAt === null) return;
    if (kind.retryAt.getTime() <= this.options.now().getTime()) return;
    try {
      await this.options.repository.block(userId, kind.retryAt);
    } catch (failure) {
      // The rate limit is still answered; only other instances lose the warning.
      this.options.logger.warn({ err: failure, userId }, 'gmail quota block not recorded');
    }
  }
}

function rateLimited(now: Date, untilMs: number, cause: 'budget' | 'google' = 'google'): RateLimitedError {
  const seconds = Math.max(1, Math.ceil((untilMs - now.getTime()) / 1000));
  return new RateLimitedError(
    seconds,
    cause === 'budget'
      ? "This account's Gmail budget for this minute is spent; try again after extensions.retryAfterSeconds."
      : undefined,
  );
}
