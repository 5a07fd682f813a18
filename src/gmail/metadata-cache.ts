import { LRUCache } from 'lru-cache';
import type { MessageMetadata } from './gmail-reads';

// Message metadata the process keeps, across users and requests. Created once per process.

export interface MetadataCacheOptions {
  /**
   * Memory budget in bytes of V8 heap, as {@link metadataFootprint} estimates them, e.g. 64 MiB; 0 keeps
   * nothing. Bounded by bytes rather than entries, so that operators budget memory whatever messages look like.
   */
  readonly maxBytes: number;
  /**
   * How long cached labelIds are trusted, e.g. 30,000 ms. Headers, snippet, date and size never change for a
   * message id, so they are served for as long as the cache holds them; labelIds (read, archived, labelled) are
   * re-read from Gmail once older than this, and only when a client selects `labelIds`.
   */
  readonly labelFreshnessMs: number;
  readonly now: () => number;
}

export interface CachedMetadata {
  readonly metadata: MessageMetadata;
  readonly threadId: string;
  /** When labelIds were read. */
  readonly fetchedAt: number;
}

export class MetadataCache {
  private readonly entries: LRUCache<string, CachedMetadata> | null;

  constructor(private readonly options: MetadataCacheOptions) {
    this.entries =
      options.maxBytes > 0
        ? new LRUCache({
            maxSize: options.maxBytes,
            sizeCalculation: (entry, key) =>
              metadataFootprint(entry.metadata, key) + 2 * entry.threadId.length,
          })
        : null;
  }

  /** The cached entry of any age (and marks it recently used). */
  get(userId: string, messageId: string): CachedMetadata | undefined {
    return this.entries?.get(cacheKey(userId, messageId));
  }

  remember(userId: string, messageId: string, metadata: MessageMetadata, threadId: string): void {
    this.entries?.set(cacheKey(userId, messageId), { metadata, threadId, fetchedAt: this.options.now() });
  }

  /** Whether an entry's labelIds may still be served. */
  isFresh(entry: CachedMetadata): boolean {
    return this.options.now() - entry.fetchedAt < this.options.labelFreshnessMs;
  }

  /** Estimated bytes held, by {@link metadataFootprint}. */
  get bytes(): number {
    return this.entries?.calculatedSize ?? 0;
  }
}

function cacheKey(userId: string, messageId: string): string {
  return `${userId}\u0000${messageId}`;
}

/** Per cached message: the objects, the Date, the array and the cache's own bookkeeping, measured on Node 24. */
const ENTRY_OVERHEAD_BYTES = 320;

/**
 * An estimate of the heap one cache entry holds: strings at two bytes a character (V8 stores many in one, so this
 * errs high) plus a fixed overhead. A typical message of about 300 characters is estimated at about 1,000 bytes;
 * measured on Node 24, such an entry holds about 850.
 */
export function metadataFootprint(metadata: MessageMetadata, key: string): number {
  let characters = key.length;
  for (const text of [
    metadata.subject,
    metadata.from,
    metadata.to,
    metadata.cc,
    metadata.replyTo,
    metadata.snippet,
  ]) {
    characters += text?.length ?? 0;
  }
  for (const label of metadata.labelIds) characters += label.length + 8;
  return ENTRY_OVERHEAD_BYTES + 2 * characters;
}
