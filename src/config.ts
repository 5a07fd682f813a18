// The only reader of `process.env`. Everything the gateway is configured with is parsed, validated and frozen
// here, once per process; nothing else looks at the environment.

import { hasGmailReadScope } from './auth/scopes';

/** The Gmail read scope and the identity scopes the gateway needs to know whose mailbox it holds. */
export const GMAIL_READONLY_SCOPE = 'https://www.googleapis.com/auth/gmail.readonly';
export const DEFAULT_SCOPES: readonly string[] = [
  GMAIL_READONLY_SCOPE,
  'openid',
  'https://www.googleapis.com/auth/userinfo.email',
  'https://www.googleapis.com/auth/userinfo.profile',
];

export const GOOGLE_ENDPOINTS = {
  authUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  revokeUrl: 'https://oauth2.googleapis.com/revoke',
} as const;

export interface EncryptionKey {
  /** Key id stored beside every ciphertext, e.g. `2026-11`. */
  readonly id: string;
  /** 32 bytes for AES-256-GCM. */
  readonly key: Buffer;
}

/** A Google OAuth client and the endpoints it talks to: what GOOGLE_* configures, or an emulator's. */
export interface GoogleClientConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The registered redirect URI: the frontend's callback page, which hands `code` and `state` to `exchangeCode`. */
  readonly redirectUri: string;
  readonly authUrl: string;
  readonly tokenUrl: string;
  readonly revokeUrl: string;
  /** Root URL for googleapis (Gmail, OAuth2 userinfo); undefined means each API's own Google root. */
  readonly apiRootUrl: string | undefined;
}

/** The OAuth client the gateway signs in with, and the scopes it asks for (see RuntimeConfig). */
export interface GoogleConfig extends GoogleClientConfig {
  readonly scopes: readonly string[];
}

export interface GatewayConfig {
  readonly port: number;
  readonly production: boolean;
  readonly logLevel: string;
  /**
   * Google OAuth client; null means local mode: the in-process Google emulator stands in and fills this in at
   * start-up (main.ts).
   */
  readonly google: GoogleClientConfig | null;
  /** Scopes asked for, also in local mode. */
  readonly scopes: readonly string[];
  /** null means the embedded MongoDB-compatible server (local mode). */
  readonly mongodbUri: string | null;
  readonly mongodbDb: string;
  /** null means local mode: a random key for this process, with a warning (tokens do not survive a restart). */
  readonly tokenEncryptionKeys: readonly EncryptionKey[] | null;
  readonly sessionTtlSeconds: number;
  /** Memory budget of the per-instance message-metadata cache, in MiB; 0 turns the cache off. */
  readonly metadataCacheMB: number;
  /** Browser origins allowed to call the API; null means local mode's own origin. */
  readonly corsOrigins: readonly string[] | null;
  /** Whether GET /metrics answers: METRICS_ENABLED, by default on outside production and off in it. */
  readonly metricsEnabled: boolean;
  /** METRICS_TOKEN: the bearer token a scrape must present; null lets any scrape in. */
  readonly metricsToken: string | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Variables production cannot do without: their absence is a start-up error naming every one of them. */
const REQUIRED_IN_PRODUCTION = [
  'GOOGLE_CLIENT_ID',
  'GOOGLE_CLIENT_SECRET',
  'GOOGLE_REDIRECT_URI',
  'MONGODB_URI',
  'TOKEN_ENCRYPTION_KEYS',
] as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads and validates the environment. Throws {@link ConfigError} listing every problem at once. */
export function loadConfig(env: Env = process.env): GatewayConfig {
  const problems: string[] = [];
  const value = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const production = value('NODE_ENV') === 'production';

  if (production) {
    const missing = REQUIRED_IN_PRODUCTION.filter((name) => value(name) === undefined);
    if (missing.length > 0) {
      problems.push(`NODE_ENV=production needs these variables, which are missing: ${missing.join(', ')}`);
    }
  }

  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return parsed;
  };
  const url = (name: string): string | undefined => {
    const raw = value(name);
    if (raw === undefined) return undefined;
    try {
      const parsed = new URL(raw);
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('not http(s)');
      return raw;
    } catch {
      problems.push(`${name} must be an absolute http(s) URL, got "${raw}"`);
      return undefined;
    }
  };

  const scopes = value('GOOGLE_SCOPES')?.split(/\s+/) ?? [...DEFAULT_SCOPES];
  if (!hasGmailReadScope(scopes)) {
    problems.push(`GOOGLE_SCOPES must include ${GMAIL_READONLY_SCOPE}`);
  }

  const clientId = value('GOOGLE_CLIENT_ID');
  const clientSecret = value('GOOGLE_CLIENT_SECRET');
  const redirectUri = url('GOOGLE_REDIRECT_URI');
  let google: GoogleClientConfig | null = null;
  if (clientId !== undefined || clientSecret !== undefined) {
    // A half-configured client is a mistake in any mode: falling back to local mode would hide it.
    const missing = [
      ['GOOGLE_CLIENT_ID', clientId],
      ['GOOGLE_CLIENT_SECRET', clientSecret],
      ['GOOGLE_REDIRECT_URI', redirectUri],
    ]
      .filter(([, v]) => v === undefined)
      .map(([name]) => name);
    if (missing.length > 0 && !production) {
      problems.push(`a Google OAuth client needs ${missing.join(', ')} as well`);
    }
    if (clientId !== undefined && clientSecret !== undefined && redirectUri !== undefined) {
      google = {
        clientId,
        clientSecret,
        redirectUri,
        authUrl: url('GOOGLE_AUTH_URL') ?? GOOGLE_ENDPOINTS.authUrl,
        tokenUrl: url('GOOGLE_TOKEN_URL') ?? GOOGLE_ENDPOINTS.tokenUrl,
        revokeUrl: url('GOOGLE_REVOKE_URL') ?? GOOGLE_ENDPOINTS.revokeUrl,
        apiRootUrl: url('GOOGLE_API_ROOT_URL'),
      };
    }
  }

  const mongodbUri = value('MONGODB_URI') ?? null;
  if (mongodbUri !== null && !/^mongodb(\+srv)?:\/\//.test(mongodbUri)) {
    problems.push('MONGODB_URI must start with mongodb:// or mongodb+srv://');
  }

  const keysRaw = value('TOKEN_ENCRYPTION_KEYS');
  const tokenEncryptionKeys = keysRaw === undefined ? null : parseKeyring(keysRaw, problems);

  const logLevel = value('LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  const corsRaw = value('CORS_ORIGINS');
  let corsOrigins: string[] | null = null;
  if (corsRaw !== undefined) {
    corsOrigins = corsRaw
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o !== '');
    for (const origin of corsOrigins) {
      try {
        if (new URL(origin).origin !== origin) throw new Error('not an origin');
      } catch {
        problems.push(`CORS_ORIGINS entries must be origins like https://app.example.com, got "${origin}"`);
      }
    }
  }

  const metricsRaw = value('METRICS_ENABLED');
  if (metricsRaw !== undefined && metricsRaw !== 'true' && metricsRaw !== 'false') {
    problems.push(`METRICS_ENABLED must be true or false, got "${metricsRaw}"`);
  }
  const metricsEnabled = metricsRaw === undefined ? !production : metricsRaw === 'true';

  const config: GatewayConfig = {
    port: integer('PORT', 4000, 0, 65535),
    production,
    logLevel,
    google,
    scopes,
    mongodbUri,
    mongodbDb: value('MONGODB_DB') ?? 'gmail_gateway',
    tokenEncryptionKeys,
    sessionTtlSeconds: integer('SESSION_TTL_SECONDS', 7 * 24 * 3600, 60, 366 * 24 * 3600),
    metadataCacheMB: integer('METADATA_CACHE_MB', 16, 0, 4096),
    corsOrigins,
    metricsEnabled,
    metricsToken: value('METRICS_TOKEN') ?? null,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

/**
 * Parses `kid:base64key[,kid:base64key…]`. The first key encrypts; every key decrypts, which is how a key is
 * rotated: put the new one first, keep the old ones until nothing written under them is left.
 * Never echoes key material into a problem message.
 */
function parseKeyring(raw: string, problems: string[]): EncryptionKey[] {
  const keys: EncryptionKey[] = [];
  for (const [index, entry] of raw.split(',').entries()) {
    const separator = entry.indexOf(':');
    const id = entry.slice(0, separator).trim();
    const material = entry.slice(separator + 1).trim();
    const key = Buffer.from(material, 'base64');
    if (separator <= 0 || !/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
      problems.push(`TOKEN_ENCRYPTION_KEYS entry ${index + 1} must look like kid:base64key`);
    } else if (
      key.length !== 32 ||
      key.toString('base64').replace(/=+$/, '') !== material.replace(/=+$/, '')
    ) {
      problems.push(`TOKEN_ENCRYPTION_KEYS key "${id}" must be 32 bytes of base64 (openssl rand -base64 32)`);
    } else if (keys.some((k) => k.id === id)) {
      problems.push(`TOKEN_ENCRYPTION_KEYS key id "${id}" appears twice`);
    } else {
      keys.push({ id, key });
    }
  }
  return keys;
}
