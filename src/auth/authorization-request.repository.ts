// Pending authorization requests: the state sent to Google and the PKCE verifier that goes with it. A state
// works once: consuming it is a single find-and-delete.

/**
 * The gateway's half of a consent URL, kept until Google sends the state back; the client's half is the GraphQL
 * `AuthorizationRequest` (URL, state, expiry).
 */
export interface PendingAuthorization {
  readonly state: string;
  readonly codeVerifier: string;
  /** The e-mail passed as `login_hint`, if any. */
  readonly loginHint: string | null;
  readonly expiresAt: Date;
}

export interface AuthorizationRequestRepository {
  /** Creates the indexes (state hash unique, TTL on expiry); idempotent. */
  ensureIndexes(): Promise<void>;

  /** Stores a request: the state only as a hash, the verifier encrypted. */
  save(request: PendingAuthorization): Promise<void>;

  /**
   * Atomically removes and returns the request for this state; null when unknown, already consumed, or
   * expired (an expired one is removed too).
   */
  consume(state: string): Promise<PendingAuthorization | null>;
}
