// The only reader of `process.env`. Everything the gateway is configured with is parsed, validated and frozen
// here, once per process; nothing else looks at the environment.

import { hasGmailReadScope } from './auth/scopes';
import {
  DEFAULT_GMAIL_QUOTA_COSTS,
  GMAIL_QUOTA_METHODS,
  isGmailQuotaMethod,
  type GmailQuotaCosts,
  type GmailQuotaMethod,
} from './quota/gmail-costs';

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
  /** A session unused this long ends, whatever sessionTtlSeconds says (SESSION_IDLE_SECONDS). */
  readonly sessionIdleSeconds: number;
  /** Memory budget of the per-instance message-metadata cache, in MiB; 0 turns the cache off. */
  readonly metadataCacheMB: number;
  /** Browser origins allowed to call the API; null means local mode's own origin. */
  readonly corsOrigins: readonly string[] | null;
  /** Gmail quota units one user may spend per minute, across all instances (Google's limit: 6,000). */
  readonly gmailUserQuotaPerMinute: number;
  /** Units per Gmail method; GMAIL_QUOTA_COSTS over the built-in table. */
  readonly gmailQuotaCosts: GmailQuotaCosts;
  /** Gmail calls one user may have in flight at once, per instance (GMAIL_USER_CONCURRENCY), e.g. 10. */
  readonly gmailUserConcurrency: number;
  /** Timeout of one call to Google, connect and answer, in ms (GOOGLE_TIMEOUT_MS), e.g. 10000. */
  readonly googleTimeoutMs: number;
  /** Deadline of one GraphQL request in ms (REQUEST_TIMEOUT_MS), e.g. 20000; its Gmail calls are aborted then. */
  readonly requestTimeoutMs: number;
  /** Whether GET /metrics answers: METRICS_ENABLED, by default on outside production and off in it. */
  readonly metricsEnabled: boolean;
  /** METRICS_TOKEN: the bearer token a scrape must present; null lets any scrape in. */
  readonly metricsToken: string | null;
  /** Local mode only: how the stand-ins are set up. Ignored for whatever is configured for real. */
  readonly local: LocalModeConfig;
}

/** Local mode's settings (LOCAL_* and GOOGLE_REDIRECT_URI without a Google client). */
export interface LocalModeConfig {
  /**
   * GOOGLE_REDIRECT_URI when no Google client is configured: the emulator's client accepts it and the gateway
   * sends it, so a frontend of one's own (e.g. `http://localhost:5173/callback`) receives the code. Null: the
   * example web client's callback page (or the emulator's own, without the example client).
   */
  readonly redirectUri: string | null;
  /** LOCAL_GOOGLE_PORT: the emulator's port, stable across restarts; 0 picks a free one. */
  readonly googlePort: number;
  /**
   * LOCAL_DATA_DIR: the folder keeping local mode's data across restarts (the embedded store's contents, the
   * generated encryption key, the emulator's grants), as given (relative to the working directory).
   * @example '.local'
   */
  readonly dataDir: string;
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
  // Without it the browser origins would fall back to local mode's: fail closed instead.
  'CORS_ORIGINS',
] as const;

/** Where Google's OAuth and API endpoints live; production accepts no other host without the override. */
const GOOGLE_HOST = /^(accounts\.google\.com|[a-z0-9-]+\.googleapis\.com)$/;
const GOOGLE_ENDPOINT_VARIABLES = [
  'GOOGLE_AUTH_URL',
  'GOOGLE_TOKEN_URL',
  'GOOGLE_REVOKE_URL',
  'GOOGLE_API_ROOT_URL',
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

  const allowInsecureRaw = value('ALLOW_INSECURE_GOOGLE_ENDPOINTS');
  if (allowInsecureRaw !== undefined && allowInsecureRaw !== 'true' && allowInsecureRaw !== 'false') {
    problems.push(`ALLOW_INSECURE_GOOGLE_ENDPOINTS must be true or false, got "${allowInsecureRaw}"`);
  }
  if (production && allowInsecureRaw !== 'true') {
    // Tokens, codes and the client secret travel to these URLs: in production only to Google, only over TLS.
    for (const name of GOOGLE_ENDPOINT_VARIABLES) {
      const raw = value(name);
      if (raw === undefined || !URL.canParse(raw)) continue;
      const parsed = new URL(raw);
      if (parsed.protocol !== 'https:' || !GOOGLE_HOST.test(parsed.hostname)) {
        problems.push(
          `${name} must be an https URL on accounts.google.com or *.googleapis.com in production, got "${raw}" ` +
            '(ALLOW_INSECURE_GOOGLE_ENDPOINTS=true allows an emulator)',
        );
      }
    }
  }

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

  const port = integer('PORT', 4000, 0, 65535);
  // PORT + 1 keeps the emulator's URL (and its redirect URIs) the same from one start to the next; an ephemeral
  // gateway port (0, tests) gets an ephemeral emulator port.
  const googlePort = integer('LOCAL_GOOGLE_PORT', port === 0 || port === 65535 ? 0 : port + 1, 0, 65535);
  if (googlePort !== 0 && googlePort === port) {
    problems.push(`LOCAL_GOOGLE_PORT must differ from PORT (both are ${port})`);
  }
  const metricsRaw = value('METRICS_ENABLED');
  if (metricsRaw !== undefined && metricsRaw !== 'true' && metricsRaw !== 'false') {
    problems.push(`METRICS_ENABLED must be true or false, got "${metricsRaw}"`);
  }
  const metricsEnabled = metricsRaw === undefined ? !production : metricsRaw === 'true';

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
    corsOrigins,
    local: Object.freeze({
      redirectUri: google === null ? (redirectUri ?? null) : null,
      googlePort,
      dataDir: value('LOCAL_DATA_DIR') ?? '.local',
    }),
    gmailUserQuotaPerMinute: integer('GMAIL_USER_QUOTA_PER_MINUTE', 6000, 1, 10_000_000),
    gmailQuotaCosts: parseQuotaCosts(value('GMAIL_QUOTA_COSTS'), problems),
    gmailUserConcurrency: integer('GMAIL_USER_CONCURRENCY', 10, 1, 1000),
    googleTimeoutMs: integer('GOOGLE_TIMEOUT_MS', 10_000, 100, 600_000),
    requestTimeoutMs: integer('REQUEST_TIMEOUT_MS', 20_000, 100, 600_000),
    metricsEnabled,
    metricsToken: value('METRICS_TOKEN') ?? null,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

/**
 * Parses a keyring in TOKEN_ENCRYPTION_KEYS's format (e.g. the one local mode keeps in its data folder);
 * throws {@link ConfigError} naming what is wrong, never the key material.
 */
export function parseEncryptionKeys(raw: string): EncryptionKey[] {
  const problems: string[] = [];
  const keys = parseKeyring(raw.trim(), problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return keys;
}

/**
 * Parses `method=units[,…]` over the built-in table, e.g. `messages.get=20,threads.get=40`; unlisted methods keep
 * their built-in cost.
 */
function parseQuotaCosts(raw: string | undefined, problems: string[]): GmailQuotaCosts {
  const costs: Record<GmailQuotaMethod, number> = { ...DEFAULT_GMAIL_QUOTA_COSTS };
  if (raw === undefined) return Object.freeze(costs);
  for (const entry of raw.split(',')) {
    const [name = '', units = '', ...rest] = entry.split('=').map((part) => part.trim());
    const parsed = Number(units);
    if (!isGmailQuotaMethod(name)) {
      problems.push(
        `GMAIL_QUOTA_COSTS names an unknown method "${name}"; known: ${GMAIL_QUOTA_METHODS.join(', ')}`,
      );
    } else if (rest.length > 0 || units === '' || !Number.isInteger(parsed) || parsed < 0 || parsed > 1000) {
      problems.push(
        `GMAIL_QUOTA_COSTS entry "${entry.trim()}" must look like method=units (units 0 to 1000)`,
      );
    } else {
      costs[name] = parsed;
    }
  }
  return Object.freeze(costs);
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
