// Server-side sessions. The token exists in plaintext only in the response to `exchangeCode`; stored as a hash.

export interface Session {
  readonly userId: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export interface SessionRepository {
  /** Creates the indexes (token hash unique, user id, TTL on expiry); idempotent. */
  ensureIndexes(): Promise<void>;

  /** Creates a session and returns its token (≥ 256 random bits, base64url) — the only time it exists in clear. */
  create(userId: string, ttlSeconds: number): Promise<{ token: string; session: Session }>;

  /**
   * The session of a token, or null when unknown, expired (whether or not the TTL sweep has run yet) or idle past
   * the idle timeout (the session is then deleted). A use is recorded at most once a minute per session.
   */
  findByToken(token: string): Promise<Session | null>;

  /** Ends one session; false when there was none. */
  deleteByToken(token: string): Promise<boolean>;

  /** Ends every session of a user; returns how many. */
  deleteAllForUser(userId: string): Promise<number>;
}
