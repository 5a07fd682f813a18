// The one place that reads Google's error shapes. Matches on the response (status, `error`, `reason`), never
// on `instanceof GaxiosError`: a second copy of gaxios would silently break it. Message text is read in one
// case only, where Google gives nothing else: 400 failedPrecondition is transient ("Precondition check
// failed.") or permanent ("Mail service not enabled") by its message alone.

/**
 * A fault of the gateway's operator, not of the user or of Google: the OAuth client is wrong (token endpoint
 * `invalid_client`, `unauthorized_client`, `deleted_client`) or the Cloud project lacks the API
 * (`accessNotConfigured`). No user can fix it, so it never touches a credential.
 */
export type OperatorFault =
  'invalid_client' | 'unauthorized_client' | 'deleted_client' | 'accessNotConfigured';

export type GoogleErrorKind =
  /** The token endpoint said `invalid_grant`: the refresh token or code is dead. */
  | { readonly kind: 'invalidGrant' }
  /** An API answered 401: the access token was rejected (right after a refresh, a transient fault of Google's). */
  | { readonly kind: 'unauthorized' }
  /** 403 insufficientPermissions: the grant lacks a scope. */
  | { readonly kind: 'insufficientScope' }
  /** 400 failedPrecondition "Mail service not enabled": the Google account has no Gmail. */
  | { readonly kind: 'mailNotEnabled' }
  /**
   * The operator must fix the OAuth client or the Cloud project; `service` is the API Google named as
   * disabled (accessNotConfigured), e.g. 'gmail.googleapis.com', when it said.
   */
  | { readonly kind: 'operatorFault'; readonly fault: OperatorFault; readonly service?: string }
  /**
   * 429, or 403 rateLimitExceeded / userRateLimitExceeded. `retryAt` is the end Google announced (a Retry-After
   * header, or "Retry after <time>" in the message of a per-user limit); null for limits it did not time
   * ("Too many concurrent requests for user"), which are backed off and retried.
   */
  | {
      readonly kind: 'rateLimited';
      readonly retryAfterSeconds: number | null;
      readonly retryAt: Date | null;
    }
  | { readonly kind: 'notFound' }
  /** 5xx, timeouts, connection failures, 400 failedPrecondition "Precondition check failed.". */
  | { readonly kind: 'unavailable'; readonly retryAfterSeconds: number | null }
  /** Any other 4xx: the request itself was wrong. */
  | { readonly kind: 'client'; readonly status: number }
  | { readonly kind: 'unknown' };

/** The token endpoint's OAuth `error` codes that blame the OAuth client itself (whatever the HTTP status). */
const CLIENT_FAULTS = new Set<OperatorFault>(['invalid_client', 'unauthorized_client', 'deleted_client']);
const MAIL_SERVICE_NOT_ENABLED = 'mail service not enabled';
const ERROR_INFO_TYPE = 'type.googleapis.com/google.rpc.ErrorInfo';
const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  // gaxios's codes for a call it gave up on: its `timeout` option fired, or the caller's signal aborted it.
  'TimeoutError',
  'AbortError',
]);
const ABORT_NAMES = new Set(['AbortError', 'TimeoutError']);

/**
 * A connection failure, a timeout or an abort, whether raised directly or wrapped: gaxios wraps fetch's error
 * (itself wrapping undici's) in `cause`, and a DOMException from an AbortSignal has only a `name`.
 */
function isNetworkFailure(error: Record<string, unknown>): boolean {
  let current: Record<string, unknown> | undefined = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    const { code, name, message } = current;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (typeof name === 'string' && ABORT_NAMES.has(name)) return true;
    if (name === 'TypeError' && message === 'fetch failed') return true;
    current = record(current.cause);
  }
  return false;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date); null when absent or unreadable. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}

/** Reads a header of a gaxios answer: a fetch `Headers` (node-fetch's or the global one) or a plain object. */
export function headerOf(headers: unknown, name: string): unknown {
  const found = record(headers);
  return typeof found?.get === 'function'
    ? (found.get as (n: string) => unknown).call(headers, name)
    : found?.[name];
}

/**
 * The end of a per-user limit Google names in its message: `User-rate limit exceeded.  Retry after
 * 2026-03-07T18:03:15.961Z`. Gmail rarely sends Retry-After with it, so this is the reliable source.
 */
export function parseRetryAfterMessage(message: unknown): Date | null {
  if (typeof message !== 'string') return null;
  const match = /Retry after (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))/i.exec(
    message,
  );
  const time = match?.[1] === undefined ? NaN : Date.parse(match[1]);
  return Number.isNaN(time) ? null : new Date(time);
}

/** A rate limit with the end Google announced, from the message first (exact), else from Retry-After. */
function rateLimited(
  data: Record<string, unknown> | undefined,
  retryAfterSeconds: number | null,
  now: number,
): Extract<GoogleErrorKind, { kind: 'rateLimited' }> {
  const announced = parseRetryAfterMessage(record(data?.error)?.message);
  if (announced !== null) {
    return {
      kind: 'rateLimited',
      retryAfterSeconds: Math.max(0, Math.ceil((announced.getTime() - now) / 1000)),
      retryAt: announced,
    };
  }
  const retryAt = retryAfterSeconds === null ? null : new Date(now + retryAfterSeconds * 1000);
  return { kind: 'rateLimited', retryAfterSeconds, retryAt };
}

function errorReasons(data: Record<string, unknown> | undefined): string[] {
  const error = record(data?.error);
  const errors = Array.isArray(error?.errors) ? error.errors : [];
  return errors.map((e) => record(e)?.reason).filter((r): r is string => typeof r === 'string');
}

function isClientFault(code: unknown): code is OperatorFault {
  return typeof code === 'string' && (CLIENT_FAULTS as Set<string>).has(code);
}

/** The google.rpc ErrorInfo details of newer bodies (`reason` such as ACCESS_TOKEN_SCOPE_INSUFFICIENT). */
function errorInfos(data: Record<string, unknown> | undefined): Array<Record<string, unknown>> {
  const details = record(data?.error)?.details;
  return (Array.isArray(details) ? details : [])
    .map(record)
    .filter((d): d is Record<string, unknown> => d?.['@type'] === ERROR_INFO_TYPE);
}

/** 403 accessNotConfigured, naming the disabled API when Google did (e.g. 'gmail.googleapis.com'). */
function accessNotConfigured(infos: Array<Record<string, unknown>>): GoogleErrorKind {
  const service = infos.map((info) => record(info.metadata)?.service).find((s) => typeof s === 'string');
  return {
    kind: 'operatorFault',
    fault: 'accessNotConfigured',
    ...(typeof service === 'string' ? { service } : {}),
  };
}

/** 400 failedPrecondition: the account has no Gmail (permanent), or Google's transient precondition failure. */
function failedPrecondition(data: Record<string, unknown> | undefined): GoogleErrorKind {
  const message = record(data?.error)?.message;
  return typeof message === 'string' && message.toLowerCase().includes(MAIL_SERVICE_NOT_ENABLED)
    ? { kind: 'mailNotEnabled' }
    : { kind: 'unavailable', retryAfterSeconds: null };
}

export function classifyGoogleError(error: unknown): GoogleErrorKind {
  const err = record(error);
  if (err === undefined) return { kind: 'unknown' };
  const response = record(err.response);
  const status =
    typeof response?.status === 'number'
      ? response.status
      : typeof err.status === 'number'
        ? err.status
        : undefined;
  if (status === undefined) {
    return isNetworkFailure(err) ? { kind: 'unavailable', retryAfterSeconds: null } : { kind: 'unknown' };
  }
  const data = record(response?.data);
  const retryAfterSeconds = parseRetryAfter(headerOf(response?.headers, 'retry-after'));
  if (status === 400 && data?.error === 'invalid_grant') return { kind: 'invalidGrant' };
  const oauthError = data?.error;
  if (isClientFault(oauthError)) return { kind: 'operatorFault', fault: oauthError };
  if (status === 401) return { kind: 'unauthorized' };
  if (status === 429) return rateLimited(data, retryAfterSeconds, Date.now());
  if (status === 403) {
    const reasons = errorReasons(data);
    const infos = errorInfos(data);
    const infoReasons = infos.map((info) => info.reason);
    if (reasons.some((r) => RATE_LIMIT_REASONS.has(r)))
      return rateLimited(data, retryAfterSeconds, Date.now());
    if (
      reasons.includes('insufficientPermissions') ||
      infoReasons.includes('ACCESS_TOKEN_SCOPE_INSUFFICIENT')
    )
      return { kind: 'insufficientScope' };
    if (reasons.includes('accessNotConfigured') || infoReasons.includes('SERVICE_DISABLED'))
      return accessNotConfigured(infos);
    return { kind: 'client', status };
  }
  if (status === 400 && errorReasons(data).includes('failedPrecondition')) return failedPrecondition(data);
  if (status === 404) return { kind: 'notFound' };
  if (status >= 500) return { kind: 'unavailable', retryAfterSeconds };
  if (status === 408) return { kind: 'unavailable', retryAfterSeconds };
  return { kind: 'client', status };
}
