/** The public contract of the Google emulator: what tests, local mode and benchmarks program against. */

/** The Google endpoints the emulator serves; faults, latency and the request log are keyed by these. */
export type EndpointName =
  'auth' | 'token' | 'revoke' | 'userinfo' | 'tokeninfo' | 'messages.list' | 'messages.get';

export const ENDPOINT_NAMES: readonly EndpointName[] = [
  'auth',
  'token',
  'revoke',
  'userinfo',
  'tokeninfo',
  'messages.list',
  'messages.get',
];

/** An OAuth client as registered in the Google Cloud console (type "Web application"). */
export interface OAuthClientRegistration {
  /** e.g. `'local-client-id.apps.googleusercontent.com'` */
  clientId: string;
  clientSecret: string;
  /** Compared exactly, like Google: scheme, host, port, path and trailing slash all count. */
  redirectUris: string[];
}

export interface EmulatorUser {
  /** A 21-digit numeric string like Google's `sub`, e.g. `'108234567890123456789'`. */
  id: string;
  email: string;
  name: string;
}

export interface NewUser {
  email: string;
  /** Defaults to a name made from the address: `'ada.lovelace@…'` -> `'Ada Lovelace'`. */
  name?: string;
  /**
   * How many messages the default view (not SPAM/TRASH) holds; default 40. One more message per 15 of these
   * is generated in SPAM or TRASH.
   */
  messages?: number;
}

export type LatencySpec =
  | { distribution: 'fixed'; ms: number }
  | { distribution: 'uniform'; minMs: number; maxMs: number }
  | { distribution: 'lognormal'; medianMs: number; sigma: number };

export interface FaultSpec {
  /** HTTP status to answer, e.g. 429, 403, 500, 503; for OAuth endpoints also 400 (with `reason: 'invalid_grant'`). */
  status: number;
  /** How many matching requests answer with this fault; default 1, `Infinity` allowed. */
  times?: number;
  /**
   * Google's reason, e.g. `'rateLimitExceeded'`, `'userRateLimitExceeded'`, `'backendError'`; for the OAuth
   * endpoints (`token`, `revoke`, `tokeninfo`) the OAuth `error` code, e.g. `'invalid_grant'`.
   */
  reason?: string;
  /** Sent as a `Retry-After` header. */
  retryAfterSeconds?: number;
  /** messages.get only: the fault applies only to requests for this message. */
  messageId?: string;
}

export interface ConsentDecision {
  /** The account that consents; default: the login_hint user if known, else the demo user. */
  email?: string;
  /** Scopes the user unticks on the consent screen (aliases like `'email'` accepted). */
  deniedScopes?: string[];
  /** The user presses Cancel: the redirect carries `error=access_denied`. */
  deny?: boolean;
}

/** A message as a test sees it, to compare against what the gateway returns. */
export interface MessageSummary {
  id: string;
  threadId: string;
  labelIds: string[];
  subject: string;
  from: string;
  to: string;
  date: Date;
  /** Exactly Gmail's `snippet`: HTML-escaped like Gmail's (`&#39;` for an apostrophe). */
  snippet: string;
  sizeEstimate: number;
}

export interface GoogleEmulatorOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default `'127.0.0.1'`. Security: anything else exposes the control API (`/__emulator/*`) to the network. */
  host?: string;
  /**
   * Default: one client `{ clientId: 'local-client-id.apps.googleusercontent.com', clientSecret:
   * 'local-client-secret', redirectUris: [<url>/oauth/callback-echo] }` (the emulator's own callback page).
   */
  clients?: OAuthClientRegistration[];
  /** Extra users, each with a deterministic generated mailbox. The demo user is always present. */
  users?: NewUser[];
  /** Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Default 600. */
  codeTtlSeconds?: number;
  /** `'auto'` (default, tests): the consent URL redirects at once. `'page'` (local mode): an HTML consent page. */
  consentMode?: 'auto' | 'page';
  /** Milliseconds clock for token and code expiry and the request log; default `Date.now`. */
  now?: () => number;
  /** Seed of every generated mailbox and of latency sampling; default fixed, so every run is the same. */
  seed?: number;
  /**
   * Default false (Google normally does not rotate). True: each refresh grant returns a new refresh_token and
   * the old one stops working.
   */
  rotateRefreshTokens?: boolean;
  /** How many recent requests the log keeps (default 10,000); `count()` without a filter stays exact. */
  requestLogLimit?: number;
}

/** A fault that was armed and never answered a request. */
export interface UnservedFault {
  readonly endpoint: EndpointName;
  readonly fault: FaultSpec;
}

export interface RecordedRequest {
  endpoint: EndpointName | 'control' | 'other';
  method: string;
  /** The path without its query string. */
  path: string;
  /** Query parameters; secrets (tokens, codes, verifiers, state) are replaced by `'[redacted]'`. */
  query: Record<string, string>;
  /** The names of a url-encoded form body's fields, in order (e.g. that a token request sent `code_verifier`); values are never kept. */
  formFields?: string[];
  status: number;
  /** The Google user id the request concerned, when known. */
  userId?: string;
  clientId?: string;
  grantType?: string;
  messageId?: string;
  /** When the request arrived, by the emulator's clock (ms). */
  at: number;
  durationMs: number;
}

export interface GoogleEmulator {
  /** e.g. `'http://127.0.0.1:4010'` */
  readonly url: string;
  /** `apiRootUrl` ends with '/': pass it as googleapis' `rootUrl`. */
  readonly endpoints: {
    authUrl: string;
    tokenUrl: string;
    revokeUrl: string;
    tokenInfoUrl: string;
    apiRootUrl: string;
  };
  readonly demoUser: EmulatorUser;
  readonly users: EmulatorUser[];
  readonly defaultClient: OAuthClientRegistration;
  /** Idempotent by e-mail address (case-insensitive): adding a known address returns the existing user. */
  addUser(u: NewUser): EmulatorUser;
  /** Adds the client, or replaces the registration with the same clientId. */
  registerClient(c: OAuthClientRegistration): void;
  /**
   * Queues the decision of the next consent (FIFO), in either consent mode. Without one, auto mode consents as
   * the login_hint user if known, else the demo user, granting every scope; page mode shows its page.
   */
  nextConsent(d: ConsentDecision): void;
  /** Like the user removing the app: every refresh and access token of that user dies (invalid_grant / 401). */
  revokeGrant(emailOrId: string): void;
  /** Live access tokens (of one user, or everyone's) now answer 401; refresh tokens are unaffected. */
  expireAccessTokens(emailOrId?: string): void;
  injectFault(endpoint: EndpointName, f: FaultSpec): void;
  setLatency(endpoint: EndpointName | '*', l: LatencySpec | null): void;
  /** Removes every fault and latency, and forgets the faults armed so far (unservedFaults() is empty after). */
  clearFaults(): void;
  /**
   * Faults armed since the last clearFaults() that answered no request at all; a fault with `times` > 1 (or
   * Infinity) counts as served once it answered one. The test harness fails a test that leaves any.
   */
  unservedFaults(): UnservedFault[];
  /** Deletes the message for good: later gets answer 404 and lists leave it out. */
  deleteMessage(emailOrId: string, messageId: string): void;
  /**
   * The user's messages in Gmail order (newest first). By default the default view (what messages.list answers
   * without includeSpamTrash: no SPAM or TRASH); `{ includeSpamTrash: true }` for all of them.
   */
  messagesOf(emailOrId: string, options?: { includeSpamTrash?: boolean }): ReadonlyArray<MessageSummary>;
  /** A snapshot of the request log, oldest first. */
  readonly requests: ReadonlyArray<RecordedRequest>;
  clearRequests(): void;
  count(endpoint: EndpointName, filter?: (r: RecordedRequest) => boolean): number;
  /** Closes every connection at once, keep-alive ones included; idempotent. */
  stop(): Promise<void>;
}
