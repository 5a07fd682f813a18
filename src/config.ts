// The only reader of `process.env`. Everything the gateway is configured with is parsed, validated and frozen
// here, once per process; nothing else looks at the environment. The parsers of single values live in
// src/config/ and take strings, never the environment.

import { ConfigError } from './config/config-error';
import { checkBoolean, parseHttpUrl, parseInteger } from './config/config-values';
import { parseCorsOrigins } from './config/cors-origins';
import { parseScopes } from './config/default-scopes';
import type { GatewayConfig } from './config/gateway-config';
import { parseQuotaCosts } from './config/gmail-quota-costs';
import { parseGoogleClient } from './config/google-client';
import { checkGoogleEndpoints } from './config/google-endpoints';
import { parseKeyring } from './config/keyring';
import { parseLocalMode } from './config/local-mode';
import { DEFAULT_GMAIL_FETCH_MODE, GMAIL_FETCH_MODES, type GmailFetchMode } from './gmail/gmail-batch';

export { ConfigError } from './config/config-error';
export { DEFAULT_SCOPES, GMAIL_READONLY_SCOPE } from './config/default-scopes';
export type {
  EncryptionKey,
  GatewayConfig,
  GoogleClientConfig,
  GoogleConfig,
  LocalModeConfig,
} from './config/gateway-config';
export { GOOGLE_ENDPOINTS } from './config/google-endpoints';
export { parseEncryptionKeys } from './config/keyring';

type Env = Readonly<Record<string, string | undefined>>;

/** Variables production cannot do without: their absence is a start-up error naming every one of them. */
const REQUIRED_IN_PRODUCTION = [
  'GOOGLE_CLIENT_ID',
  'GOOGLE_CLIENT_SECRET',
  'GOOGLE_REDIRECT_URI',
  'MONGODB_URI',
  'TOKEN_ENCRYPTION_KEYS',
  // Without it the browser origins would fall back to local mode's: fail closed instead.
  'CORS_ORIGINS',
] as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads and validates the environment. Throws {@link ConfigError} listing every problem at once. */
export function loadConfig(env: Env = process.env): GatewayConfig {
  const problems: string[] = [];
  const value = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number =>
    parseInteger(name, value(name), { fallback, min, max }, problems);
  const production = value('NODE_ENV') === 'production';

  if (production) {
    const missing = REQUIRED_IN_PRODUCTION.filter((name) => value(name) === undefined);
    if (missing.length > 0) {
      problems.push(`NODE_ENV=production needs these variables, which are missing: ${missing.join(', ')}`);
    }
  }

  const endpoints = {
    GOOGLE_AUTH_URL: value('GOOGLE_AUTH_URL'),
    GOOGLE_TOKEN_URL: value('GOOGLE_TOKEN_URL'),
    GOOGLE_REVOKE_URL: value('GOOGLE_REVOKE_URL'),
    GOOGLE_API_ROOT_URL: value('GOOGLE_API_ROOT_URL'),
  };
  checkGoogleEndpoints(
    { production, allowInsecure: value('ALLOW_INSECURE_GOOGLE_ENDPOINTS'), endpoints },
    problems,
  );

  const scopes = parseScopes(value('GOOGLE_SCOPES'), problems);

  const clientId = value('GOOGLE_CLIENT_ID');
  const clientSecret = value('GOOGLE_CLIENT_SECRET');
  const redirectUri = parseHttpUrl('GOOGLE_REDIRECT_URI', value('GOOGLE_REDIRECT_URI'), problems);
  const google = parseGoogleClient({ production, clientId, clientSecret, redirectUri, endpoints }, problems);

  const mongodbUri = value('MONGODB_URI') ?? null;
  if (mongodbUri !== null && !/^mongodb(\+srv)?:\/\//.test(mongodbUri)) {
    problems.push('MONGODB_URI must start with mongodb:// or mongodb+srv://');
  }

  const keysRaw = value('TOKEN_ENCRYPTION_KEYS');
  const tokenEncryptionKeys = keysRaw === undefined ? null : parseKeyring(keysRaw, problems);
  const configured = [
    ...(clientId !== undefined || clientSecret !== undefined ? ['GOOGLE_CLIENT_ID'] : []),
    ...(mongodbUri !== null ? ['MONGODB_URI'] : []),
  ];
  if (!production && keysRaw === undefined && configured.length > 0) {
    // A random per-process key is for local mode only: with a real Google client or a real database, every
    // restart would leave stored grants unreadable.
    problems.push(
      `TOKEN_ENCRYPTION_KEYS is required when ${configured.join(' or ')} is set (local mode, with neither, makes a key)`,
    );
  }

  const logLevel = value('LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  const corsOrigins = parseCorsOrigins(value('CORS_ORIGINS'), problems);

  const port = integer('PORT', 4000, 0, 65535);
  const local = parseLocalMode(
    {
      port,
      googleConfigured: google !== null,
      redirectUri,
      googlePort: value('LOCAL_GOOGLE_PORT'),
      dataDir: value('LOCAL_DATA_DIR'),
    },
    problems,
  );
  const gmailFetchMode = (value('GMAIL_FETCH_MODE') ?? DEFAULT_GMAIL_FETCH_MODE) as GmailFetchMode;
  if (!GMAIL_FETCH_MODES.includes(gmailFetchMode)) {
    problems.push(`GMAIL_FETCH_MODE must be one of ${GMAIL_FETCH_MODES.join(', ')}`);
  }
  const metricsRaw = value('METRICS_ENABLED');
  checkBoolean('METRICS_ENABLED', metricsRaw, problems);
  const metricsEnabled = metricsRaw === undefined ? !production : metricsRaw === 'true';
  const sessionCacheRaw = value('SESSION_CACHE_ENABLED');
  checkBoolean('SESSION_CACHE_ENABLED', sessionCacheRaw, problems);

  const config: GatewayConfig = {
    port,
    production,
    logLevel,
    google,
    scopes,
    mongodbUri,
    mongodbDb: value('MONGODB_DB') ?? 'gmail_gateway',
    tokenEncryptionKeys,
    sessionTtlSeconds: integer('SESSION_TTL_SECONDS', 7 * 24 * 3600, 60, 366 * 24 * 3600),
    // At least two minutes: a use is recorded at most once a minute (mongo-session.repository.ts).
    sessionIdleSeconds: integer('SESSION_IDLE_SECONDS', 24 * 3600, 120, 366 * 24 * 3600),
    metadataCacheMB: integer('METADATA_CACHE_MB', 16, 0, 4096),
    sessionCacheEnabled: sessionCacheRaw !== 'false',
    sessionCacheSize: integer('SESSION_CACHE_SIZE', 10_000, 1, 10_000_000),
    corsOrigins,
    local,
    gmailUserQuotaPerMinute: integer('GMAIL_USER_QUOTA_PER_MINUTE', 6000, 1, 10_000_000),
    gmailQuotaCosts: parseQuotaCosts(value('GMAIL_QUOTA_COSTS'), problems),
    gmailUserConcurrency: integer('GMAIL_USER_CONCURRENCY', 10, 1, 1000),
    gmailFetchMode,
    googleTimeoutMs: integer('GOOGLE_TIMEOUT_MS', 10_000, 100, 600_000),
    requestTimeoutMs: integer('REQUEST_TIMEOUT_MS', 20_000, 100, 600_000),
    metricsEnabled,
    metricsToken: value('METRICS_TOKEN') ?? null,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
