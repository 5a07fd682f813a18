// The one place that reads Google's error shapes. Matches on the response (status, `error`, `reason`), never
// on `instanceof GaxiosError` or on message text: a second copy of gaxios, or a reworded message, would
// silently break either.

export type GoogleErrorKind =
  /** The token endpoint said `invalid_grant`: the refresh token or code is dead. */
  | { readonly kind: 'invalidGrant' }
  /** An API answered 401: the access token was rejected. */
  | { readonly kind: 'unauthorized' }
  /** 403 insufficientPermissions: the grant lacks a scope. */
  | { readonly kind: 'insufficientScope' }
  /** 429, or 403 rateLimitExceeded / userRateLimitExceeded. */
  | { readonly kind: 'rateLimited'; readonly retryAfterSeconds: number | null }
  | { readonly kind: 'notFound' }
  /** 5xx, timeouts, connection failures. */
  | { readonly kind: 'unavailable'; readonly retryAfterSeconds: number | null }
  /** Any other 4xx: the request itself was wrong. */
  | { readonly kind: 'client'; readonly status: number }
  | { readonly kind: 'unknown' };

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

/** Reads a header from a fetch `Headers` (node-fetch's or the global one) or a plain object. */
function headerOf(headers: unknown, name: string): unknown {
  const found = record(headers);
  return typeof found?.get === 'function'
    ? (found.get as (n: string) => unknown).call(headers, name)
    : found?.[name];
}

function errorReasons(data: Record<string, unknown> | undefined): string[] {
  const error = record(data?.error);
  const errors = Array.isArray(error?.errors) ? error.errors : [];
  return errors.map((e) => record(e)?.reason).filter((r): r is string => typeof r === 'string');
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
  if (status === 401) return { kind: 'unauthorized' };
  if (status === 429) return { kind: 'rateLimited', retryAfterSeconds };
  if (status === 403) {
    const reasons = errorReasons(data);
    if (reasons.some((r) => RATE_LIMIT_REASONS.has(r))) return { kind: 'rateLimited', retryAfterSeconds };
    if (reasons.includes('insufficientPermissions')) return { kind: 'insufficientScope' };
    return { kind: 'client', status };
  }
  if (status === 404) return { kind: 'notFound' };
  if (status >= 500) return { kind: 'unavailable', retryAfterSeconds };
  if (status === 408) return { kind: 'unavailable', retryAfterSeconds };
  return { kind: 'client', status };
}
