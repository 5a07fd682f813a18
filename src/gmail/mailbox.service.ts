import type { ReauthorizationErrors } from '../auth/consent-errors';
import type { OAuthClientPool } from '../auth/oauth-client-pool';
import type { Session } from '../auth/session.repository';
import type {
  Credential,
  CredentialRepository,
  ReauthorizationReason,
} from '../credentials/credential.repository';
import { assertNever, ErrorCode, type ReauthorizationRequiredError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { RetryClock, RetryPolicy } from '../upstream/retry';
import type { GoogleRefusal } from '../upstream/upstream-error';
import { GmailClient } from './gmail.client';
import type { MessageCursorCodec } from './message-cursor';
import { MetadataCache } from './metadata-cache';
import { UserMailbox } from './user-mailbox';

export type { MessageMetadata, MessageRef } from './gmail.client';
export type { MessagesQuery } from './messages-query';
export { MAX_PAGE_SIZE } from './messages-query';
export { UserMailbox } from './user-mailbox';

export interface MailboxServiceDeps {
  readonly credentials: CredentialRepository;
  readonly clients: OAuthClientPool;
  /** Consent-URL errors (AuthService's `consentErrors`). */
  readonly consent: ReauthorizationErrors;
  readonly cursors: MessageCursorCodec;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Root URL for googleapis, e.g. the emulator's; undefined means Google's. */
  readonly apiRootUrl: string | undefined;
  readonly retry: RetryPolicy;
  readonly clock?: RetryClock;
  /** How many `messages.get` calls one request runs at once. */
  readonly metadataConcurrency: number;
  /** Memory budget of the metadata cache in bytes, e.g. 64 MiB; 0 keeps nothing (see MetadataCache). */
  readonly metadataCacheBytes: number;
  /** How long cached labelIds are trusted (see MetadataCache). */
  readonly labelFreshnessMs: number;
  readonly now: () => number;
}

/**
 * Reads mailboxes. Created once per process; it owns the metadata cache shared by all requests. Each request
 * opens a {@link UserMailbox} that carries the user's Gmail client and a per-request batch loader.
 */
export class MailboxService {
  private readonly cache: MetadataCache;

  constructor(private readonly deps: MailboxServiceDeps) {
    this.cache = new MetadataCache({
      maxBytes: deps.metadataCacheBytes,
      labelFreshnessMs: deps.labelFreshnessMs,
      now: deps.now,
    });
  }

  /**
   * Checks the session's credential and returns the mailbox for this request. A credential marked
   * NEEDS_REAUTHORIZATION answers CREDENTIALS_REVOKED at once, without calling Google.
   */
  async open(session: Session): Promise<UserMailbox> {
    const credential = await this.deps.credentials.findById(session.userId);
    if (credential === null) throw await this.deps.consent.unauthenticated();
    if (credential.status !== 'ACTIVE' || credential.refreshToken === null) {
      throw await this.revokedError(credential);
    }
    const gmail = new GmailClient(this.deps.clients.clientFor(credential), {
      apiRootUrl: this.deps.apiRootUrl,
      retry: this.deps.retry,
      ...(this.deps.clock ? { clock: this.deps.clock } : {}),
      refused: (refusal) => this.refused(credential, refusal),
      metrics: this.deps.metrics,
    });
    return new UserMailbox(credential, {
      gmail,
      cache: this.cache,
      metrics: this.deps.metrics,
      cursors: this.deps.cursors,
      metadataConcurrency: this.deps.metadataConcurrency,
    });
  }

  /** Marks the credential and answers CREDENTIALS_REVOKED with a consent URL for that account. */
  async revoke(credential: Credential, reason: ReauthorizationReason): Promise<ReauthorizationRequiredError> {
    // Only the tokens that failed are condemned: a consent that landed meanwhile wrote newer ones, which stay.
    const failed = this.deps.clients.tokensIssuedAt(credential.userId) ?? credential.tokensIssuedAt;
    const marked = await this.deps.credentials.markNeedsReauthorization(credential.userId, reason, failed);
    this.deps.clients.forget(credential.userId);
    if (marked) {
      this.deps.logger.warn({ userId: credential.userId, reason }, 'google credential needs reauthorization');
    }
    return this.revokedError(credential);
  }

  /** What Google refusing a Gmail call (or the token refresh inside it) means for this user. */
  private async refused(
    credential: Credential,
    refusal: GoogleRefusal,
  ): Promise<ReauthorizationRequiredError | null> {
    switch (refusal.kind) {
      case 'invalidGrant':
        return this.revoke(credential, 'REFRESH_TOKEN_REVOKED');
      case 'unauthorized':
        return this.revoke(credential, 'ACCESS_TOKEN_REJECTED');
      case 'insufficientScope':
        return this.deps.consent.reauthorizationError(
          ErrorCode.INSUFFICIENT_SCOPE,
          'The Gmail read scope is no longer granted; consent again at extensions.authorizationUrl.',
          { loginHint: credential.email, forceConsent: true },
        );
      case 'client':
        // Gmail blamed the gateway's own request: a bug, masked as INTERNAL_SERVER_ERROR and logged in full.
        return null;
      default:
        return assertNever(refusal);
    }
  }

  private revokedError(credential: Credential): Promise<ReauthorizationRequiredError> {
    return this.deps.consent.reauthorizationError(
      ErrorCode.CREDENTIALS_REVOKED,
      'Google no longer accepts this account’s authorization; send the user to extensions.authorizationUrl to reconnect.',
      { loginHint: credential.email, forceConsent: true },
    );
  }
}
