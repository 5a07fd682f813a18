import type { AttachmentTokenCodec } from '../attachments/attachment-token';
import type { ReauthorizationErrors } from '../auth/consent-errors';
import type { OAuthClientPool } from '../auth/oauth-client-pool';
import type { Session, SessionRepository } from '../auth/session.repository';
import type {
  Credential,
  CredentialRepository,
  ReauthorizationReason,
} from '../credentials/credential.repository';
import { assertNever, ErrorCode, type ReauthorizationRequiredError } from '../errors';
import type { Logger } from '../logger';
import type { OperatorFaultReporter } from '../upstream/operator-faults';
import type { GmailMeter } from '../quota/gmail-budget';
import type { Metrics } from '../metrics';
import type { RetryClock, RetryPolicy } from '../upstream/retry';
import type { GoogleRefusal } from '../upstream/upstream-error';
import { GmailClient } from './gmail.client';
import type { MessageCursorCodec } from './message-cursor';
import { DEFAULT_LABEL_CACHE_TTL_MS, LabelCache } from './label-cache';
import { MetadataCache } from './metadata-cache';
import type { GmailFetchMode } from './gmail-batch';
import type { UserConcurrency } from './user-concurrency';
import { UserMailbox } from './user-mailbox';

export type {
  GmailLabel,
  LabelCounts,
  LoadedMessage,
  LoadedThread,
  MessageMetadata,
  MessageRef,
  ThreadRef,
} from './gmail-reads';
export type { MessagesQuery } from './messages-query';
export { MAX_PAGE_SIZE } from './messages-query';
export { UserMailbox } from './user-mailbox';

export interface MailboxServiceDeps {
  readonly credentials: CredentialRepository;
  /** A revoked grant ends the user's sessions: they were proof of a consent that no longer holds. */
  readonly sessions: Pick<SessionRepository, 'deleteAllForUser'>;
  readonly clients: OAuthClientPool;
  /** Consent-URL errors (AuthService's `consentErrors`). */
  readonly consent: ReauthorizationErrors;
  readonly cursors: MessageCursorCodec;
  readonly attachmentTokens: AttachmentTokenCodec;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Root URL for googleapis, e.g. the emulator's; undefined means Google's. */
  readonly apiRootUrl: string | undefined;
  readonly retry: RetryPolicy;
  readonly clock?: RetryClock;
  /** Where Google's complaints about the OAuth client or the Cloud project are logged (one per process). */
  readonly operatorFaults: OperatorFaultReporter;
  /** Gmail calls in flight per user, across all of the user's requests (created once per process). */
  readonly concurrency: UserConcurrency;
  /** Timeout of one call to Gmail, e.g. 10000 (GOOGLE_TIMEOUT_MS). */
  readonly googleTimeoutMs: number;
  /** How message reads reach Gmail (GMAIL_FETCH_MODE); default 'parallel'. */
  readonly fetchMode?: GmailFetchMode;
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
  private readonly labels: LabelCache;

  constructor(private readonly deps: MailboxServiceDeps) {
    this.cache = new MetadataCache({
      maxBytes: deps.metadataCacheBytes,
      labelFreshnessMs: deps.labelFreshnessMs,
      now: deps.now,
    });
    this.labels = new LabelCache({ ttlMs: DEFAULT_LABEL_CACHE_TTL_MS, maxUsers: 10_000, now: deps.now });
  }

  /** What the metadata cache holds now, in estimated bytes (at most `metadataCacheBytes`). */
  get metadataCacheBytes(): number {
    return this.cache.bytes;
  }

  /**
   * Checks the session's credential and returns the mailbox for this request. A credential marked
   * NEEDS_REAUTHORIZATION answers CREDENTIALS_REVOKED at once, without calling Google. Every Gmail call of the
   * mailbox is charged to `meter` (the request's share of the user's budget). `signal` is the request's deadline
   * and hang-up: its abort ends the mailbox's Gmail calls.
   */
  open(session: Session, meter: GmailMeter, signal?: AbortSignal): Promise<UserMailbox> {
    return this.openFor(session.userId, meter, signal);
  }

  /** {@link open} for a user named by something the gateway signed (an attachment token), not a session. */
  async openFor(userId: string, meter: GmailMeter, signal?: AbortSignal): Promise<UserMailbox> {
    const credential = await this.deps.credentials.findById(userId);
    if (credential === null) throw await this.deps.consent.unauthenticated();
    if (credential.status !== 'ACTIVE' || credential.refreshToken === null) {
      throw await this.revokedError(credential);
    }
    const gmail = new GmailClient(this.deps.clients.clientFor(credential), {
      apiRootUrl: this.deps.apiRootUrl,
      retry: this.deps.retry,
      meter,
      ...(this.deps.clock ? { clock: this.deps.clock } : {}),
      refused: (refusal) => this.refused(credential, refusal),
      operatorFaults: this.deps.operatorFaults,
      userId: credential.userId,
      concurrency: this.deps.concurrency,
      timeoutMs: this.deps.googleTimeoutMs,
      ...(this.deps.fetchMode ? { fetchMode: this.deps.fetchMode } : {}),
      ...(signal ? { signal } : {}),
      metrics: this.deps.metrics,
    });
    return new UserMailbox(credential, {
      gmail,
      cache: this.cache,
      labels: this.labels,
      metrics: this.deps.metrics,
      cursors: this.deps.cursors,
      attachmentTokens: this.deps.attachmentTokens,
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
      // Only for a grant Google says is gone (invalid_grant), and only when this call marked it: a consent that
      // landed meanwhile kept the credential, and the session it opened stays.
      if (reason === 'REFRESH_TOKEN_REVOKED') {
        const ended = await this.deps.sessions.deleteAllForUser(credential.userId);
        this.deps.logger.info({ userId: credential.userId, ended }, 'sessions ended: the grant was revoked');
      }
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
      case 'insufficientScope':
        return this.deps.consent.reauthorizationError(
          ErrorCode.INSUFFICIENT_SCOPE,
          'The Gmail read scope is no longer granted; consent again at extensions.authorizationUrl.',
          { loginHint: credential.email, forceConsent: true },
        );
      case 'mailNotEnabled':
        // The grant is fine, the account has no mailbox: nothing is marked. No login_hint, so that Google's
        // account chooser does not steer the user back to this account.
        return this.deps.consent.reauthorizationError(
          ErrorCode.GMAIL_NOT_ENABLED,
          'This Google account has no Gmail mailbox; connect another account at extensions.authorizationUrl.',
          { prompt: 'select_account' },
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
