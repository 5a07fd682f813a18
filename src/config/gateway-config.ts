// The shape of the configuration loadConfig (src/config.ts) produces: parsed, validated and frozen once per
// process. Types only; nothing here reads the environment.

import type { GmailFetchMode } from '../gmail/gmail-batch';
import type { GmailQuotaCosts } from '../quota/gmail-costs';

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
  /** SESSION_CACHE_ENABLED: sessions looked up recently are kept per instance, in step through the feed. */
  readonly sessionCacheEnabled: boolean;
  /** SESSION_CACHE_SIZE: most sessions one instance caches, e.g. 10000 (about 650 bytes each: 6.5 MB). */
  readonly sessionCacheSize: number;
  /** Browser origins allowed to call the API; null means local mode's own origin. */
  readonly corsOrigins: readonly string[] | null;
  /** Gmail quota units one user may spend per minute, across all instances (Google's limit: 6,000). */
  readonly gmailUserQuotaPerMinute: number;
  /** Units per Gmail method; GMAIL_QUOTA_COSTS over the built-in table. */
  readonly gmailQuotaCosts: GmailQuotaCosts;
  /** Gmail calls one user may have in flight at once, per instance (GMAIL_USER_CONCURRENCY), e.g. 10. */
  readonly gmailUserConcurrency: number;
  /**
   * How a request's message reads reach Gmail (GMAIL_FETCH_MODE): 'parallel', one HTTP call per message, or
   * 'batch', Gmail's HTTP batch endpoint (up to 50 calls each, never more in flight than the concurrency limit).
   */
  readonly gmailFetchMode: GmailFetchMode;
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
