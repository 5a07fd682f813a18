import type { Credentials, OAuth2Client } from 'google-auth-library';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Credential, CredentialRepository } from '../credentials/credential.repository';
import type { GoogleOAuthService } from './google-oauth.service';

interface PooledClient {
  readonly client: OAuth2Client;
  /** When the tokens this client holds were issued; decides whether a stored credential is newer. */
  issuedAt: Date;
}

/**
 * One OAuth2Client per active user, created once per process and bounded (least recently used dropped).
 * Sharing one client per user is what makes google-auth-library de-duplicate concurrent refreshes: twenty
 * requests with an expired access token wait on one token request. Refreshed tokens, and a refresh token
 * Google rotated, are persisted from the client's `'tokens'` event. The pool is only an accelerator: another
 * instance may hold its own client for the same user, and the stored credential stays the source of truth.
 */
export class OAuthClientPool {
  private readonly clients: LRUCache<string, PooledClient>;

  constructor(
    private readonly deps: {
      readonly google: GoogleOAuthService;
      readonly credentials: CredentialRepository;
      readonly logger: Logger;
      readonly metrics: Pick<Metrics, 'tokensRefreshed'>;
      readonly now: () => Date;
      readonly maxClients: number;
    },
  ) {
    this.clients = new LRUCache({ max: deps.maxClients });
  }

  /** The user's client, holding the newest tokens known here. The credential must be ACTIVE with a refresh token. */
  clientFor(credential: Credential): OAuth2Client {
    const pooled = this.clients.get(credential.userId);
    if (pooled !== undefined && pooled.issuedAt >= credential.tokensIssuedAt) return pooled.client;
    if (pooled !== undefined) {
      // The store has newer tokens (a new consent, or another instance refreshed): adopt them in place.
      pooled.client.setCredentials(toLibraryCredentials(credential));
      pooled.issuedAt = credential.tokensIssuedAt;
      return pooled.client;
    }
    const client = this.deps.google.createClient();
    client.setCredentials(toLibraryCredentials(credential));
    const entry: PooledClient = { client, issuedAt: credential.tokensIssuedAt };
    client.on('tokens', (tokens) => {
      this.deps.metrics.tokensRefreshed();
      this.persist(credential.userId, entry, tokens);
      if (tokens.refresh_token) keepRotatedRefreshToken(client, tokens.refresh_token);
    });
    this.clients.set(credential.userId, entry);
    return client;
  }

  /** When the tokens held by the user's client were issued, if this instance holds one. */
  tokensIssuedAt(userId: string): Date | undefined {
    return this.clients.peek(userId)?.issuedAt;
  }

  /** Drops a user's client (after a revocation, a new consent or a disconnect). */
  forget(userId: string): void {
    this.clients.delete(userId);
  }

  get size(): number {
    return this.clients.size;
  }

  /** Runs from an event handler: must not throw or reject. */
  private persist(userId: string, entry: PooledClient, tokens: Credentials): void {
    if (!tokens.access_token) return;
    const issuedAt = this.deps.now();
    entry.issuedAt = issuedAt;
    this.deps.credentials
      .updateTokens(userId, {
        accessToken: tokens.access_token,
        accessTokenExpiresAt: tokens.expiry_date ? new Date(tokens.expiry_date) : null,
        ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
        issuedAt,
      })
      .catch((error: unknown) => {
        // The refreshed token still works in memory; the next refresh will try to persist again.
        this.deps.logger.warn({ userId, err: error }, 'persisting refreshed Google tokens failed');
      });
  }
}

/**
 * google-auth-library emits `'tokens'` and then, once its refresh resolves, writes the refresh token it started
 * with back into the client's credentials, discarding one that Google rotated (and that made the old one
 * invalid). Put the rotated token back after that write, so the next refresh from this client uses it.
 */
function keepRotatedRefreshToken(client: OAuth2Client, rotated: string): void {
  setImmediate(() => {
    if (client.credentials.refresh_token !== rotated) {
      client.credentials = { ...client.credentials, refresh_token: rotated };
    }
  });
}

function toLibraryCredentials(credential: Credential): Credentials {
  return {
    refresh_token: credential.refreshToken,
    access_token: credential.accessToken,
    // Always set a non-zero expiry: without one the library also treats 403 (rate limits) as a reason to
    // refresh. An unknown expiry counts as expired, so the first call refreshes.
    expiry_date: Math.max(1, credential.accessTokenExpiresAt?.getTime() ?? 0),
    token_type: 'Bearer',
  };
}
