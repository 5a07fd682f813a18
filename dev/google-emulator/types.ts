// The public contract of the Google emulator: what tests, local mode and benchmarks program against.
import type { MessageFeature } from './message';

export type { MessageFeature } from './message';

/** The Gmail endpoints: each is charged quota and counted against the per-user concurrency limit. */
export const GMAIL_METHODS = [
  'messages.list',
  'messages.get',
  'messages.attachments.get',
  'threads.list',
  'threads.get',
  'labels.list',
  'labels.get',
] as const;
export type GmailMethod = (typeof GMAIL_METHODS)[number];

/**
 * The Google endpoints the emulator serves; faults, latency and the request log are keyed by these. `batch` is
 * Gmail's HTTP batch endpoint itself (`POST /batch/gmail/v1`): its latency is the batch's own overhead, added
 * after the slowest inner call (the `'*'` latency does not apply to it), and its faults fail the whole batch;
 * the inner calls are logged, charged, limited, delayed and faulted under their own method names.
 */
export const ENDPOINT_NAMES = [
  'auth',
  'token',
  'revoke',
  'userinfo',
  'tokeninfo',
  'batch',
  ...GMAIL_METHODS,
] as const;
export type EndpointName = (typeof ENDPOINT_NAMES)[number];

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
  /**
   * Default true. False: a Google account without Gmail; OAuth works, but every Gmail call of this user answers
   * 400 `failedPrecondition` "Mail service not enabled", as Google does. Change it later with setGmailEnabled().
   */
  gmailEnabled?: boolean;
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
  /**
   * The error message instead of the one Google gives for `status` and `reason`, e.g. `'Mail service not
   * enabled'` with `{ status: 400, reason: 'failedPrecondition' }`; for the OAuth endpoints the
   * `error_description`. The presets in GOOGLE_FAULTS set it where Google's text differs from the default.
   */
  message?: string;
  /**
   * `userRateLimitExceeded` (403) and `rateLimitExceeded` (429): the end of the limit, named in the message the
   * way Gmail does (`User-rate limit exceeded.  Retry after 2026-03-07T18:03:15.961Z`, no `Retry-After`
   * header). A Date or epoch ms.
   */
  retryAt?: Date | number;
  /**
   * The request hangs this many ms before it is answered with the fault; `Infinity`: it is never answered. A
   * stalled request ends early when the client hangs up or the emulator stops (it is then logged with status 0).
   */
  stallMs?: number;
}

/** Per-user Gmail quota, as Google's "Queries per minute per user" limit counts it. */
export interface QuotaOptions {
  /**
   * Units one user may spend per window; past it Gmail calls answer 403 `userRateLimitExceeded`
   * "User-rate limit exceeded.  Retry after <end of window>". Google's limit for projects created since
   * May 2026 is 6000. Unset: units are counted but never refused.
   */
  unitsPerMinute?: number;
  /** Units per method; unlisted ones use DEFAULT_QUOTA_COSTS (see quota.ts). */
  costs?: Partial<Record<GmailMethod, number>>;
  /** Length of a window in ms, default 60,000. A user's window opens at their first call and lasts this long. */
  windowMs?: number;
}

export interface QuotaUsage {
  /** Units charged in the user's current window; 0 when no window is open. */
  spentUnits: number;
  /** Units charged since the start (or the last resetUsage), across windows. */
  totalUnits: number;
  /** When the current window ends; null when none is open. */
  resetAt: Date | null;
  /** The limit per window; null when quota is counted but not enforced. */
  unitsPerMinute: number | null;
  /** Gmail calls of this user in flight now, and the most there ever were at once (since resetUsage). */
  inFlight: number;
  peakInFlight: number;
  /** The concurrency limit; null when there is none. */
  maxConcurrentPerUser: number | null;
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
  /** The message's historyId now (it grows when its labels change). */
  historyId: string;
  /** What its MIME tree shows off, e.g. `'attachment'`, `'inlineImage'`, `'hostile'`; see README "Data". */
  features: MessageFeature[];
  /** The HOSTILE_HTML entry name (or `'large newsletter'`) of a hostile-corpus message. */
  hostile?: string;
}

/** A change of a message's labels, like users.messages.modify's body. */
export interface LabelChange {
  add?: string[];
  remove?: string[];
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
  /**
   * The GraphQL endpoint of the gateway this emulator stands in for (local mode), e.g. `http://localhost:4000/graphql`:
   * its callback page then shows the `exchangeCode` curl command for it. Unset: the token endpoint's curl only.
   */
  gatewayUrl?: string;
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
  /**
   * Per-user quota enforcement, e.g. `{ unitsPerMinute: 6000 }`. Default: off (units are still counted, see
   * quotaSpent()), so that tests which do not ask for it never meet a limit.
   */
  quota?: QuotaOptions;
  /**
   * Gmail calls one user may have in flight at once; one more answers 429 "Too many concurrent requests for
   * user". Default: no limit (the peak is still recorded, see peakInFlight()).
   */
  maxConcurrentPerUser?: number;
  /** The Cloud project number Google's messages name (accessNotConfigured); default `'123456789012'`. */
  projectNumber?: string;
  /**
   * Keeps the accounts, grants, live tokens and unused codes in this JSON file across restarts: loaded at start,
   * rewritten atomically before any answer that changed them. Local mode uses it so that the refresh tokens the
   * gateway stored still work after a restart. Unset (the default): memory only.
   * @example '.local/google-emulator.json'
   */
  stateFile?: string;
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
  /** 0: never answered (the client hung up or the emulator stopped first, e.g. during a stall). */
  status: number;
  /** The Google user id the request concerned, when known. */
  userId?: string;
  clientId?: string;
  grantType?: string;
  messageId?: string;
  /** A call sent inside a batch request (the batch itself is logged as endpoint `batch`). */
  inBatch?: true;
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
  /** The Cloud project number in Google's messages, e.g. accessNotConfigured's. */
  readonly projectNumber: string;
  /** Idempotent by e-mail address (case-insensitive): adding a known address returns the existing user. */
  addUser(u: NewUser): EmulatorUser;
  /** Adds the client, or replaces the registration with the same clientId. */
  registerClient(c: OAuthClientRegistration): void;
  /**
   * Like an operator rotating the secret in the Cloud console: from now on the token endpoint accepts only
   * `clientSecret` (any other answers 401 invalid_client "Unauthorized"). Setting the old one back undoes it.
   * Tokens already issued keep working.
   */
  setClientSecret(clientId: string, clientSecret: string): void;
  /** A Google account with (true) or without (false) Gmail; see NewUser.gmailEnabled. */
  setGmailEnabled(emailOrId: string, enabled: boolean): void;
  /**
   * Queues the decision of the next consent (FIFO), in either consent mode. Without one, auto mode consents as
   * the login_hint user if known, else the demo user, granting every scope; page mode shows its page.
   */
  nextConsent(d: ConsentDecision): void;
  /** Like the user removing the app: every refresh and access token of that user dies (invalid_grant / 401). */
  revokeGrant(emailOrId: string): void;
  /** Live access tokens (of one user, or everyone's) now answer 401; refresh tokens are unaffected. */
  expireAccessTokens(emailOrId?: string): void;
  /** Arms a fault; GOOGLE_FAULTS has Google's real ones, e.g. `{ ...GOOGLE_FAULTS.preconditionFailed }`. */
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
  /**
   * Adds and removes labels (system ids like `'UNREAD'`, `'STARRED'` or `'Label_2'`), like
   * users.messages.modify: the message gets a higher historyId when anything changed. Unknown label ids throw.
   */
  modifyLabels(emailOrId: string, messageId: string, change: LabelChange): void;
  /** Read (removes UNREAD) or unread (adds it). */
  markRead(emailOrId: string, messageId: string, read: boolean): void;
  /** Adds or removes STARRED. */
  setStarred(emailOrId: string, messageId: string, starred: boolean): void;
  /** A snapshot of the request log, oldest first. */
  readonly requests: ReadonlyArray<RecordedRequest>;
  clearRequests(): void;
  count(endpoint: EndpointName, filter?: (r: RecordedRequest) => boolean): number;
  /** Turns quota enforcement on with these settings, or off (null); counting goes on either way. */
  setQuota(q: QuotaOptions | null): void;
  /** Units charged to the user since the start or the last resetUsage(), across windows. */
  quotaSpent(emailOrId: string): number;
  /** The user's quota window and in-flight counts. */
  usage(emailOrId: string): QuotaUsage;
  /** Sets (or with undefined removes) the per-user concurrency limit. */
  setMaxConcurrentPerUser(n: number | undefined): void;
  /** The most Gmail calls of this user that were in flight at once (rejected ones included). */
  peakInFlight(emailOrId: string): number;
  /** Forgets charged units, windows and peaks (of one user, or everyone's); calls in flight stay counted. */
  resetUsage(emailOrId?: string): void;
  /** Closes every connection at once, keep-alive ones included; idempotent. */
  stop(): Promise<void>;
}
