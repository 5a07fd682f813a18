import type { EncryptionKey, GatewayConfig, GoogleClientConfig, GoogleConfig } from './config';
import type { GmailFetchMode } from './gmail/gmail-batch';
import type { GmailQuotaCosts } from './quota/gmail-costs';

/**
 * What a gateway process runs with, every value resolved: the configuration read from the environment, with
 * what local mode fills in where it is unset. Built once per process (main.ts, the test harness, the benchmark's
 * gateway process) and passed to createGateway.
 */
export interface RuntimeConfig {
  readonly production: boolean;
  /** No Google client configured: the emulator stands in (plain http on localhost, so no HSTS). */
  readonly localMode: boolean;
  readonly logLevel: string;
  /** The OAuth client and the scopes it asks for; the one place the scopes live at run time. */
  readonly google: GoogleConfig;
  readonly mongodbUri: string;
  readonly mongodbDb: string;
  /** The first key encrypts; every key decrypts. */
  readonly encryptionKeys: readonly EncryptionKey[];
  /** Browser origins allowed by CORS. */
  readonly corsOrigins: readonly string[];
  readonly sessionTtlSeconds: number;
  /** A session unused this long ends (SESSION_IDLE_SECONDS). */
  readonly sessionIdleSeconds: number;
  /** Memory budget of the per-instance message-metadata cache, in MiB; 0 turns the cache off. */
  readonly metadataCacheMB: number;
  /** The per-instance session cache (SESSION_CACHE_ENABLED, SESSION_CACHE_SIZE); see auth/session-cache.ts. */
  readonly sessionCache: { readonly enabled: boolean; readonly maxEntries: number };
  /** Gmail quota units one user may spend per minute, across all instances. */
  readonly gmailUserQuotaPerMinute: number;
  /** Units per Gmail method: the built-in table with GMAIL_QUOTA_COSTS applied. */
  readonly gmailQuotaCosts: GmailQuotaCosts;
  /** Gmail calls one user may have in flight at once, per instance (GMAIL_USER_CONCURRENCY). */
  readonly gmailUserConcurrency: number;
  /** How a request's message reads reach Gmail: one call each, or in batch calls (GMAIL_FETCH_MODE). */
  readonly gmailFetchMode: GmailFetchMode;
  /** Timeout of one call to Google in ms (GOOGLE_TIMEOUT_MS). */
  readonly googleTimeoutMs: number;
  /** Deadline of one GraphQL request in ms (REQUEST_TIMEOUT_MS). */
  readonly requestTimeoutMs: number;
  /** GET /metrics: whether it answers, and the bearer token a scrape needs (null: none). */
  readonly metrics: { readonly enabled: boolean; readonly token: string | null };
}

/** What stands in for a setting the environment left unset (local mode); ignored where the setting is set. */
export interface LocalFill {
  readonly google?: GoogleClientConfig;
  readonly mongodbUri?: string;
  readonly encryptionKeys?: readonly EncryptionKey[];
  readonly corsOrigins?: readonly string[];
}

/** Resolves every unset setting from `local`; throws naming the first setting that neither provides. */
export function resolveRuntimeConfig(config: GatewayConfig, local: LocalFill = {}): RuntimeConfig {
  const google = config.google ?? local.google ?? missing('a Google OAuth client (GOOGLE_CLIENT_ID)');
  return Object.freeze({
    production: config.production,
    localMode: config.google === null,
    logLevel: config.logLevel,
    google: {
      clientId: google.clientId,
      clientSecret: google.clientSecret,
      redirectUri: google.redirectUri,
      scopes: config.scopes,
      authUrl: google.authUrl,
      tokenUrl: google.tokenUrl,
      revokeUrl: google.revokeUrl,
      apiRootUrl: google.apiRootUrl,
    },
    mongodbUri: config.mongodbUri ?? local.mongodbUri ?? missing('MONGODB_URI'),
    mongodbDb: config.mongodbDb,
    encryptionKeys: config.tokenEncryptionKeys ?? local.encryptionKeys ?? missing('TOKEN_ENCRYPTION_KEYS'),
    corsOrigins: config.corsOrigins ?? local.corsOrigins ?? missing('CORS_ORIGINS'),
    sessionTtlSeconds: config.sessionTtlSeconds,
    sessionIdleSeconds: config.sessionIdleSeconds,
    metadataCacheMB: config.metadataCacheMB,
    sessionCache: { enabled: config.sessionCacheEnabled, maxEntries: config.sessionCacheSize },
    gmailUserQuotaPerMinute: config.gmailUserQuotaPerMinute,
    gmailQuotaCosts: config.gmailQuotaCosts,
    gmailUserConcurrency: config.gmailUserConcurrency,
    gmailFetchMode: config.gmailFetchMode,
    googleTimeoutMs: config.googleTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
    metrics: { enabled: config.metricsEnabled, token: config.metricsToken },
  });
}

function missing(setting: string): never {
  throw new Error(`${setting} is not configured and local mode did not provide it`);
}
