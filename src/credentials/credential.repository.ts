// Where the gateway keeps each user's Google grant. Implementations store tokens encrypted; this interface
// only ever hands out plaintext in memory. "Not found" is `null`, never an exception.

export type CredentialStatus = 'ACTIVE' | 'NEEDS_REAUTHORIZATION';

/** Why a credential needs a new consent; stored beside the status for operators and logs. */
export type ReauthorizationReason =
  /** Google answered `invalid_grant` to a refresh: the user revoked access, the token expired, ... */
  | 'REFRESH_TOKEN_REVOKED'
  /**
   * Gmail rejected the access token (401) even after a refresh. No longer written (a 401 is Google's transient
   * fault, never a revocation); kept so that documents written before still read.
   */
  | 'ACCESS_TOKEN_REJECTED'
  /** The stored refresh token failed authentication under a configured key (tampered, moved); it is quarantined. */
  | 'DECRYPTION_FAILED';

export interface Credential {
  /** Google's user id (`sub`), the document key. */
  readonly userId: string;
  readonly email: string;
  /** null only when nothing usable is stored (never granted offline access, or marked unusable). */
  readonly refreshToken: string | null;
  readonly accessToken: string | null;
  readonly accessTokenExpiresAt: Date | null;
  readonly scopes: readonly string[];
  readonly status: CredentialStatus;
  readonly statusReason: ReauthorizationReason | null;
  /** When Google issued the tokens held here; a write carrying older tokens never replaces newer ones. */
  readonly tokensIssuedAt: Date;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What a successful code exchange learned. */
export interface ConsentGrant {
  readonly userId: string;
  readonly email: string;
  readonly scopes: readonly string[];
  /** null when Google sent none (a returning user): the stored refresh token is kept, never erased. */
  readonly refreshToken: string | null;
  readonly accessToken: string;
  readonly accessTokenExpiresAt: Date | null;
  readonly issuedAt: Date;
}

/** What a refresh produced (google-auth-library's `'tokens'` event). */
export interface TokenRefresh {
  readonly accessToken: string;
  readonly accessTokenExpiresAt: Date | null;
  /** Present only when Google rotated the refresh token. */
  readonly refreshToken?: string | null;
  readonly issuedAt: Date;
}

export interface CredentialRepository {
  /** Creates the indexes the implementation relies on; idempotent, called once at start-up. */
  ensureIndexes(): Promise<void>;

  /**
   * The credential, decrypted; each token on its own. Nothing a read finds erases a refresh token:
   * - a value under a key id the keyring lacks throws UPSTREAM_UNAVAILABLE (logged with the key id) and writes
   *   nothing;
   * - a value that fails authentication under a known key is quarantined (kept aside for an operator, no longer
   *   used): an unreadable access token is returned as null (the next call refreshes it); an unreadable refresh
   *   token marks the credential NEEDS_REAUTHORIZATION (DECRYPTION_FAILED).
   */
  findById(userId: string): Promise<Credential | null>;

  /** Lookup by e-mail, case-insensitive (for `login_hint`). */
  findByEmail(email: string): Promise<Credential | null>;

  /**
   * Records a consent atomically (one upsert): the credential becomes ACTIVE with these scopes and tokens.
   * A null `refreshToken` keeps the stored one. Tokens older (`issuedAt`) than the stored ones are not written,
   * so concurrent exchanges leave the newest tokens. Returns the credential as stored afterwards.
   */
  saveConsent(grant: ConsentGrant): Promise<Credential>;

  /**
   * Persists refreshed tokens, only while the credential exists, is ACTIVE, and holds older tokens: a refresh
   * that lands after a revocation or a newer consent changes nothing.
   */
  updateTokens(userId: string, refresh: TokenRefresh): Promise<void>;

  /**
   * Marks the credential as needing a new consent and drops the tokens that can no longer work. With
   * `failedTokensIssuedAt` (when the tokens that failed were issued), a credential holding newer tokens — a
   * consent that landed while the failing call was in flight — is left alone. Returns whether it was marked.
   */
  markNeedsReauthorization(
    userId: string,
    reason: ReauthorizationReason,
    failedTokensIssuedAt?: Date,
  ): Promise<boolean>;

  /** Deletes the credential; false when there was none. */
  delete(userId: string): Promise<boolean>;

  /** The key ids the stored tokens are encrypted under (quarantined values excluded), sorted. */
  keyIdsInUse(): Promise<string[]>;

  /** Re-encrypts every stored token that is not under the current key; idempotent (`npm run rewrap`). */
  rewrap(): Promise<RewrapReport>;
}

export interface RewrapReport {
  /** Documents whose tokens were re-encrypted under the current key. */
  readonly rewrapped: number;
  /** Tokens left as they were because no configured key decrypts them. */
  readonly unreadable: number;
  /** Documents written by someone else between the read and the rewrite (left alone; run again). */
  readonly changedMeanwhile: number;
}
