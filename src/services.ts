import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import { AttachmentTokenCodec } from './attachments/attachment-token';
import { AuthService } from './auth/auth.service';
import { AuthorizationStateCodec } from './auth/authorization-state';
import { GoogleOAuthService } from './auth/google-oauth.service';
import { MongoAuthorizationRequestRepository } from './auth/mongo-authorization-request.repository';
import { CachedSessionRepository } from './auth/cached-session.repository';
import { MongoSessionRepository } from './auth/mongo-session.repository';
import { MongoSessionRevocations } from './auth/mongo-session-revocations';
import { SessionCache } from './auth/session-cache';
import type { SessionRepository } from './auth/session.repository';
import { OAuthClientPool } from './auth/oauth-client-pool';
import type { Clock } from './clock';
import { MongoCredentialRepository } from './credentials/mongo-credential.repository';
import { TokenCipher } from './credentials/token-cipher';
import { MailboxService } from './gmail/mailbox.service';
import { MessageCursorCodec } from './gmail/message-cursor';
import { GmailBudget } from './quota/gmail-budget';
import { MongoGmailQuotaRepository } from './quota/mongo-gmail-quota.repository';
import { OperatorFaultLog } from './upstream/operator-faults';
import { UserConcurrency } from './gmail/user-concurrency';
import type { RetryPolicy } from './upstream/retry';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import type { RuntimeConfig } from './runtime-config';

export interface ServiceDeps {
  readonly config: RuntimeConfig;
  readonly db: Db;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly randomBytes?: (size: number) => Buffer;
  readonly tuning: {
    readonly retry: RetryPolicy;
    readonly labelFreshnessMs: number;
    readonly maxOAuthClients: number;
    /** Length of one Gmail budget window: 60,000 ms (GMAIL_USER_QUOTA_PER_MINUTE is per minute); tests shorten it. */
    readonly quotaWindowMs: number;
  };
}

export interface Services {
  readonly auth: AuthService;
  readonly mailbox: MailboxService;
  readonly clients: OAuthClientPool;
  readonly gmailBudget: GmailBudget;
  readonly attachmentTokens: AttachmentTokenCodec;
  /** Stops what runs in the background (the session cache's feed polls); the gateway's stop() calls it. */
  stop(): Promise<void>;
}

/**
 * The services, created once per process: repositories (indexes ensured), the OAuth client pool, sign-in and
 * the mailbox reader. Resolvers reach them through the request context.
 */
export async function createServices(deps: ServiceDeps): Promise<Services> {
  const { config, db, logger, metrics, clock, tuning } = deps;
  const now = () => clock.now();
  const random = deps.randomBytes ? { randomBytes: deps.randomBytes } : {};

  const cipher = new TokenCipher(config.encryptionKeys);
  const credentials = new MongoCredentialRepository(db, cipher, { now, logger });
  // Every instance publishes the sessions it ends, whether or not it caches: others may (see session-cache.ts).
  const revocations = new MongoSessionRevocations(db, { now });
  const sessionCache = config.sessionCache.enabled
    ? new SessionCache({ feed: revocations, now, maxEntries: config.sessionCache.maxEntries, logger })
    : null;
  const storedSessions = new MongoSessionRepository(db, {
    now,
    idleSeconds: config.sessionIdleSeconds,
    ...random,
    onEnded: async (revocation) => {
      // Here at once, before anything can fail; elsewhere within a second of the feed write.
      sessionCache?.evict(revocation);
      await revocations.publish(revocation);
    },
  });
  const sessions: SessionRepository = sessionCache
    ? new CachedSessionRepository(storedSessions, sessionCache, now)
    : storedSessions;
  const authorizationRequests = new MongoAuthorizationRequestRepository(db, { now });
  const states = new AuthorizationStateCodec(config.encryptionKeys, deps.randomBytes ?? cryptoRandomBytes);
  const gmailQuota = new MongoGmailQuotaRepository(db, { keepAfterWindowMs: tuning.quotaWindowMs });
  await Promise.all([
    gmailQuota.ensureIndexes(),
    credentials.ensureIndexes(),
    sessions.ensureIndexes(),
    revocations.ensureIndexes(),
    authorizationRequests.ensureIndexes(),
  ]);
  await refuseMissingKeys(credentials, cipher);

  const google = new GoogleOAuthService(config.google, { timeoutMs: config.googleTimeoutMs });
  const operatorFaults = new OperatorFaultLog({ logger, now: () => clock.now().getTime() });
  const clients = new OAuthClientPool({
    google,
    credentials,
    logger,
    metrics,
    now,
    maxClients: tuning.maxOAuthClients,
  });
  const auth = new AuthService({
    google,
    credentials,
    sessions,
    authorizationRequests,
    states,
    sessionTtlSeconds: config.sessionTtlSeconds,
    logger,
    operatorFaults,
    now,
    ...random,
    onCredentialChanged: (userId) => clients.forget(userId),
  });
  const attachmentTokens = new AttachmentTokenCodec(config.encryptionKeys, () => clock.now().getTime());
  const mailbox = new MailboxService({
    credentials,
    sessions,
    clients,
    consent: auth.consentErrors,
    cursors: new MessageCursorCodec(config.encryptionKeys),
    attachmentTokens,
    logger,
    metrics,
    apiRootUrl: config.google.apiRootUrl,
    retry: tuning.retry,
    operatorFaults,
    clock: { now: () => clock.now().getTime(), sleep: (ms, signal) => clock.sleep(ms, signal) },
    concurrency: new UserConcurrency(config.gmailUserConcurrency),
    googleTimeoutMs: config.googleTimeoutMs,
    fetchMode: config.gmailFetchMode,
    metadataCacheBytes: config.metadataCacheMB * 2 ** 20,
    labelFreshnessMs: tuning.labelFreshnessMs,
    now: () => clock.now().getTime(),
  });

  const gmailBudget = new GmailBudget({
    repository: gmailQuota,
    unitsPerWindow: config.gmailUserQuotaPerMinute,
    windowMs: tuning.quotaWindowMs,
    costs: config.gmailQuotaCosts,
    now,
    logger,
    metrics,
  });

  sessionCache?.start();
  return {
    auth,
    mailbox,
    clients,
    gmailBudget,
    attachmentTokens,
    stop: async () => {
      await sessionCache?.stop();
    },
  };
}

/**
 * Start-up refuses a keyring that cannot read what is stored: every such read would fail (UPSTREAM_UNAVAILABLE),
 * so failing here, naming the key ids, turns a typo or a skipped rotation phase into a failed deployment rather
 * than an outage. Key ids are not secret.
 */
async function refuseMissingKeys(credentials: MongoCredentialRepository, cipher: TokenCipher): Promise<void> {
  const missing = (await credentials.keyIdsInUse()).filter((id) => !cipher.hasKey(id));
  if (missing.length > 0) {
    throw new Error(
      `stored credentials are encrypted under key ids that TOKEN_ENCRYPTION_KEYS lacks: ${missing.join(', ')}; ` +
        'add them after the first entry (decrypt-only), see README "Rotating TOKEN_ENCRYPTION_KEYS"',
    );
  }
}
