import type { Db } from 'mongodb';
import { AuthService } from './auth/auth.service';
import { GoogleOAuthService } from './auth/google-oauth.service';
import { MongoAuthorizationRequestRepository } from './auth/mongo-authorization-request.repository';
import { MongoSessionRepository } from './auth/mongo-session.repository';
import { OAuthClientPool } from './auth/oauth-client-pool';
import type { Clock } from './clock';
import { MongoCredentialRepository } from './credentials/mongo-credential.repository';
import { TokenCipher } from './credentials/token-cipher';
import { MailboxService } from './gmail/mailbox.service';
import { MessageCursorCodec } from './gmail/message-cursor';
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
    readonly metadataConcurrency: number;
    readonly labelFreshnessMs: number;
    readonly maxOAuthClients: number;
  };
}

export interface Services {
  readonly auth: AuthService;
  readonly mailbox: MailboxService;
  readonly clients: OAuthClientPool;
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
  const credentials = new MongoCredentialRepository(db, cipher, { now });
  const sessions = new MongoSessionRepository(db, { now, ...random });
  const authorizationRequests = new MongoAuthorizationRequestRepository(db, cipher, { now });
  await Promise.all([
    credentials.ensureIndexes(),
    sessions.ensureIndexes(),
    authorizationRequests.ensureIndexes(),
  ]);

  const google = new GoogleOAuthService(config.google);
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
    sessionTtlSeconds: config.sessionTtlSeconds,
    logger,
    now,
    ...random,
    onCredentialChanged: (userId) => clients.forget(userId),
  });
  const mailbox = new MailboxService({
    credentials,
    clients,
    consent: auth.consentErrors,
    cursors: new MessageCursorCodec(config.encryptionKeys),
    logger,
    metrics,
    apiRootUrl: config.google.apiRootUrl,
    retry: tuning.retry,
    clock: { now: () => clock.now().getTime(), sleep: (ms) => clock.sleep(ms) },
    metadataConcurrency: tuning.metadataConcurrency,
    metadataCacheBytes: config.metadataCacheMB * 2 ** 20,
    labelFreshnessMs: tuning.labelFreshnessMs,
    now: () => clock.now().getTime(),
  });

  return { auth, mailbox, clients };
}
