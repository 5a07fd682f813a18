import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../logger';
import type { SessionRecord } from './mongo-session.repository';
import { REVOCATION_RETENTION_MS } from './mongo-session-revocations';
import type { SessionRevocation, SessionRevocationFeed } from './session-revocations';

export interface SessionCacheOptions {
  readonly feed: SessionRevocationFeed;
  /** The clock that decides whether the feed is fresh and which entries a poll reads; tests inject one. */
  readonly now: () => Date;
  /** Most sessions held (SESSION_CACHE_SIZE), e.g. 10,000 (about 650 bytes each); the least recently used goes first. */
  readonly maxEntries: number;
  readonly logger: Logger;
  /** Pause between the end of one poll and the start of the next; default {@link POLL_INTERVAL_MS}. */
  readonly pollIntervalMs?: number;
}

/**
 * The rule: a session ended on another instance stops working here within a second. An entry is served only
 * while the last successful poll of the feed STARTED less than this long ago: that poll saw every revocation
 * published before it started, so whatever it did not evict was live less than a second ago. When polls fail
 * (MongoDB unreachable) or stall, lookups go to MongoDB as if there were no cache, and fail as they would.
 */
export const FEED_FRESHNESS_MS = 1000;
/** Twice as often as the rule needs, so that one slow poll does not send every lookup to MongoDB. */
export const POLL_INTERVAL_MS = 500;
/**
 * Each poll reads back this far before the start of the last successful one: entries are stamped by the
 * publisher's clock, so this covers clock skew between instances and an insert that becomes visible late.
 * Entries are read several times over; eviction is idempotent.
 */
export const REVOCATION_OVERLAP_MS = 10_000;
/** More revocations than this in one poll (a mass disconnect): the cache is emptied instead of applied. */
const MAX_REVOCATIONS_PER_POLL = 5000;

/**
 * The sessions this instance looked up recently, kept in step with every other instance by polling the
 * revocations feed (a query a poll, twice a second, whatever the traffic). Created once per process when
 * SESSION_CACHE_ENABLED; holds no tokens, only their hashes (the feed's and the collection's key).
 *
 * Local revocations are applied at once by the path that ended the sessions ({@link evict}); remote ones on the
 * next poll. A lookup in flight while a revocation is applied must not put back what was just revoked: every
 * eviction advances a generation, and {@link put} refuses a record read under an older one ({@link ticket}).
 */
export class SessionCache {
  /** Insertion order is recency order: a hit moves its entry to the end, the first entry is the least recent. */
  private readonly entries = new Map<string, SessionRecord>();
  /** The token hashes cached per user, so that "every session of a user" evicts without a scan. */
  private readonly byUser = new Map<string, Set<string>>();
  private generation = 0;
  private lastPollStartedAt: number | null = null;
  private failing = false;
  private readonly stopping = new AbortController();
  private running: Promise<void> | null = null;

  constructor(private readonly options: SessionCacheOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /** The cached record of a token hash, or null when there is none or the feed is not fresh enough to trust it. */
  get(tokenHash: string): SessionRecord | null {
    if (this.lastPollStartedAt === null) return null;
    // A clock that went back makes the age negative: not fresh either (the next poll starts again from nothing).
    const age = this.options.now().getTime() - this.lastPollStartedAt;
    if (age < 0 || age >= FEED_FRESHNESS_MS) return null;
    const record = this.entries.get(tokenHash);
    if (record === undefined) return null;
    this.entries.delete(tokenHash);
    this.entries.set(tokenHash, record);
    return record;
  }

  /** Taken before reading MongoDB; hand it to {@link put} with what the read found. */
  ticket(): number {
    return this.generation;
  }

  /** Caches a record read from MongoDB, unless anything was evicted since the read began (see the class). */
  put(record: SessionRecord, ticket: number): void {
    if (ticket !== this.generation) return;
    this.remove(record.tokenHash);
    this.entries.set(record.tokenHash, record);
    const userId = record.session.userId;
    let hashes = this.byUser.get(userId);
    if (hashes === undefined) this.byUser.set(userId, (hashes = new Set()));
    hashes.add(record.tokenHash);
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.remove(oldest.value);
    }
  }

  /**
   * Drops what a revocation names (idempotent), and refuses records read before now (see {@link put}). An entry
   * read again within the overlap bumps the generation again: that costs a lookup in flight its put, no more.
   */
  evict(revocation: SessionRevocation): void {
    this.generation++;
    if ('tokenHash' in revocation) {
      this.remove(revocation.tokenHash);
      return;
    }
    for (const tokenHash of this.byUser.get(revocation.userId) ?? []) this.entries.delete(tokenHash);
    this.byUser.delete(revocation.userId);
  }

  /** Drops one entry that the caller found no longer servable (expired, idle, due a recorded use). */
  forget(tokenHash: string): void {
    this.remove(tokenHash);
  }

  /** Starts polling the feed; lookups are served from the cache only once a poll has succeeded. */
  start(): void {
    this.running ??= this.run();
  }

  /** Stops polling and waits for a poll in flight; the cache serves nothing afterwards. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
    this.lastPollStartedAt = null;
    this.clear();
  }

  /** One poll: reads the feed since shortly before the last successful poll began and evicts what it names. */
  async poll(): Promise<void> {
    const startedAt = this.options.now().getTime();
    const previous = this.lastPollStartedAt;
    const since = new Date((previous ?? startedAt) - REVOCATION_OVERLAP_MS);
    const { revocations, truncated } = await this.options.feed.since(since, MAX_REVOCATIONS_PER_POLL);
    // After a long outage the entries that would name what to evict may have expired from the feed; whatever
    // was cached before the first poll was never checked against it; and after the clock went back, "since"
    // means nothing: start again from nothing.
    const elapsed = previous === null ? null : startedAt - previous;
    const lost = elapsed === null || elapsed < 0 || elapsed > REVOCATION_RETENTION_MS - REVOCATION_OVERLAP_MS;
    if (truncated || lost) this.clear();
    else for (const revocation of revocations) this.evict(revocation);
    // Only now, with the evictions applied, does this poll vouch for what is left.
    this.lastPollStartedAt = startedAt;
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        await this.poll();
        if (this.failing) this.options.logger.info('session revocations feed readable again');
        this.failing = false;
      } catch (error) {
        // Failing closed needs nothing more: the last successful poll ages and lookups go to MongoDB.
        if (!this.failing) {
          this.options.logger.warn(
            { err: error },
            'session revocations feed unreadable: sessions are looked up in MongoDB',
          );
        }
        this.failing = true;
      }
      try {
        // A timer of its own, unreferenced, rather than Clock.sleep: a cache must never keep a process alive.
        await delay(this.options.pollIntervalMs ?? POLL_INTERVAL_MS, undefined, { signal, ref: false });
      } catch {
        return;
      }
    }
  }

  private clear(): void {
    this.generation++;
    this.entries.clear();
    this.byUser.clear();
  }

  private remove(tokenHash: string): void {
    const record = this.entries.get(tokenHash);
    if (record === undefined) return;
    this.entries.delete(tokenHash);
    const userId = record.session.userId;
    const hashes = this.byUser.get(userId);
    hashes?.delete(tokenHash);
    if (hashes?.size === 0) this.byUser.delete(userId);
  }
}
