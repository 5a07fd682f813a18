import { LRUCache } from 'lru-cache';
import type { GmailLabel } from './gmail-reads';

// Each user's label list (ids, names, types), kept for a short time. Created once per process. An accelerator
// only: a label created or renamed in Gmail shows within `ttlMs`, and another instance reads its own copy.

export interface LabelCacheOptions {
  /** How long a user's label list is served without asking Gmail again, e.g. 60,000 ms. */
  readonly ttlMs: number;
  /** Users whose lists are kept at most, e.g. 10,000 (least recently used go first). */
  readonly maxUsers: number;
  readonly now: () => number;
}

export const DEFAULT_LABEL_CACHE_TTL_MS = 60_000;

export class LabelCache {
  private readonly entries: LRUCache<string, { labels: readonly GmailLabel[]; fetchedAt: number }>;

  constructor(private readonly options: LabelCacheOptions) {
    this.entries = new LRUCache({ max: Math.max(1, options.maxUsers) });
  }

  /** The user's labels when read less than `ttlMs` ago. */
  get(userId: string): readonly GmailLabel[] | undefined {
    const entry = this.entries.get(userId);
    if (entry === undefined) return undefined;
    if (this.options.now() - entry.fetchedAt >= this.options.ttlMs) {
      this.entries.delete(userId);
      return undefined;
    }
    return entry.labels;
  }

  remember(userId: string, labels: readonly GmailLabel[]): void {
    if (this.options.ttlMs > 0) this.entries.set(userId, { labels, fetchedAt: this.options.now() });
  }
}
