// Used authorization states. A state is sealed and self-contained (authorization-state.ts), so minting one writes
// nothing; what is recorded is its use, under a unique key, so that a state still works exactly once.

export interface AuthorizationRequestRepository {
  /** Creates the indexes (TTL on expiry; the state hash is the unique `_id`); idempotent. */
  ensureIndexes(): Promise<void>;

  /**
   * Records that `state` is being redeemed: true for the first call with this state, false for every later or
   * concurrent one. The marker is kept at least until `expiresAt` (the state's own expiry), after which the
   * state is refused on its own. The state is stored only as a hash.
   */
  recordUse(state: string, expiresAt: Date): Promise<boolean>;
}
