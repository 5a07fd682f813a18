import type { GmailMethod, QuotaOptions } from './types';

/** Google's published per-method costs (Gmail API usage limits, table as of May 2026's "previous" column). */
export const DEFAULT_QUOTA_COSTS: Readonly<Record<GmailMethod, number>> = Object.freeze({
  'messages.list': 5,
  'messages.get': 5,
  'messages.attachments.get': 5,
  'threads.list': 10,
  'threads.get': 10,
  'labels.list': 1,
  'labels.get': 1,
});

const DEFAULT_WINDOW_MS = 60_000;

interface UserWindow {
  startedAt: number;
  spent: number;
  total: number;
}

/**
 * Per-user Gmail quota units, one per emulator. A user's window opens at their first call and lasts `windowMs`;
 * the next call after it opens a fresh one. Units are always counted; they are refused only when
 * `unitsPerMinute` is set. A refused call is not charged (it would only push the count past the limit).
 */
export class QuotaMeter {
  private settings: { unitsPerMinute: number | null; costs: Record<GmailMethod, number>; windowMs: number };
  private readonly windows = new Map<string, UserWindow>();

  constructor(
    private readonly now: () => number,
    options: QuotaOptions | undefined,
  ) {
    this.settings = validated(options);
  }

  configure(options: QuotaOptions | null): void {
    this.settings = validated(options ?? undefined);
  }

  get unitsPerMinute(): number | null {
    return this.settings.unitsPerMinute;
  }

  /** Charges one call; `{ retryAt }` (epoch ms, the end of the window) when the user's units are spent. */
  charge(userId: string, method: GmailMethod): { charged: number } | { retryAt: number } {
    const cost = this.settings.costs[method];
    const window = this.current(userId) ?? this.open(userId);
    const limit = this.settings.unitsPerMinute;
    if (limit !== null && window.spent + cost > limit) {
      return { retryAt: window.startedAt + this.settings.windowMs };
    }
    window.spent += cost;
    window.total += cost;
    return { charged: cost };
  }

  usage(userId: string): { spentUnits: number; totalUnits: number; resetAt: Date | null } {
    const window = this.windows.get(userId);
    const open = this.current(userId);
    return {
      spentUnits: open?.spent ?? 0,
      totalUnits: window?.total ?? 0,
      resetAt: open ? new Date(open.startedAt + this.settings.windowMs) : null,
    };
  }

  reset(userId?: string): void {
    if (userId === undefined) this.windows.clear();
    else this.windows.delete(userId);
  }

  /** The user's window if it is still open. */
  private current(userId: string): UserWindow | null {
    const window = this.windows.get(userId);
    if (!window || this.now() >= window.startedAt + this.settings.windowMs) return null;
    return window;
  }

  private open(userId: string): UserWindow {
    const total = this.windows.get(userId)?.total ?? 0;
    const window = { startedAt: this.now(), spent: 0, total };
    this.windows.set(userId, window);
    return window;
  }
}

function validated(options: QuotaOptions | undefined): QuotaMeter['settings'] {
  const limit = options?.unitsPerMinute;
  if (limit !== undefined && !(Number.isFinite(limit) && limit >= 0)) {
    throw new Error(`quota unitsPerMinute must be a number >= 0, got ${limit}`);
  }
  const windowMs = options?.windowMs ?? DEFAULT_WINDOW_MS;
  if (!(Number.isFinite(windowMs) && windowMs > 0)) throw new Error('quota windowMs must be a number > 0');
  const costs = { ...DEFAULT_QUOTA_COSTS };
  for (const [method, units] of Object.entries(options?.costs ?? {})) {
    if (!Object.hasOwn(DEFAULT_QUOTA_COSTS, method))
      throw new Error(`no quota cost for unknown method ${method}`);
    if (!(Number.isInteger(units) && units >= 0))
      throw new Error(`quota cost of ${method} must be an integer >= 0`);
    costs[method as GmailMethod] = units;
  }
  return { unitsPerMinute: limit ?? null, costs, windowMs };
}
