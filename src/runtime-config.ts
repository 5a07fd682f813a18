import type { EncryptionKey, GatewayConfig, GoogleClientConfig, GoogleConfig } from './config';

/**
 * What a gateway process runs with, every value resolved: the configuration read from the environment, with
 * what local mode fills in where it is unset. Built once per process (main.ts, the test harness, the benchmark's
 * gateway process) and passed to createGateway.
 */
export interface RuntimeConfig {
  readonly production: boolean;
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
  /** Memory budget of the per-instance message-metadata cache, in MiB; 0 turns the cache off. */
  readonly metadataCacheMB: number;
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
    metadataCacheMB: config.metadataCacheMB,
    metrics: { enabled: config.metricsEnabled, token: config.metricsToken },
  });
}

function missing(setting: string): never {
  throw new Error(`${setting} is not configured and local mode did not provide it`);
}
