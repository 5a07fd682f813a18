// The revocations feed: how instances tell each other that sessions ended, so that a session cached by one
// instance stops working on it within a second of being ended on another (see session-cache.ts).

/** What ended: one session (by the SHA-256 of its token, as stored) or every session of a user. */
export type SessionRevocation = { readonly tokenHash: string } | { readonly userId: string };

export interface SessionRevocationFeed {
  /** Creates the indexes (time of the entry, TTL); idempotent, called once at start-up. */
  ensureIndexes(): Promise<void>;

  /** Records that sessions ended. Called after the sessions were deleted, never before. */
  publish(revocation: SessionRevocation): Promise<void>;

  /**
   * The revocations recorded at or after `since` (by the publisher's clock), at most `limit`. `truncated` says
   * that more matched: the caller must then treat everything it holds as revoked.
   */
  since(since: Date, limit: number): Promise<{ revocations: SessionRevocation[]; truncated: boolean }>;
}
