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
]);

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
    const code = typeof err.code === 'string' ? err.code : record(err.cause)?.code;
    const isNetwork =
      (typeof code === 'string' && NETWORK_CODES.has(code)) ||
      err.name === 'AbortError' ||
      err.name === 'TimeoutError' ||
      (err.name === 'TypeError' && err.message === 'fetch failed');
    return isNetwork ? { kind: 'unavailable', retryAfterSeconds: null } : { kind: 'unknown' };
  }
  const data = record(response?.data);
  const retryAfterSeconds = parseRetryAfter(headerOf(response?.headers, 'retry-after'));
  if (status === 400 && data?.error === 'invalid_grant') return { kind: 'invalidGrant' };
  if (status === 401) return { kind: 'unauthorized' };
  if (status === 429) return rateLimited(data, retryAfterSeconds, Date.now());
  if (status === 403) {
    const reasons = errorReasons(data);
    if (reasons.some((r) => RATE_LIMIT_REASONS.has(r)))
      return rateLimited(data, retryAfterSeconds, Date.now());
    if (reasons.includes('insufficientPermissions')) return { kind: 'insufficientScope' };
    return { kind: 'client', status };
  }
  if (status === 404) return { kind: 'notFound' };
  if (status >= 500) return { kind: 'unavailable', retryAfterSeconds };
  if (status === 408) return { kind: 'unavailable', retryAfterSeconds };
  return { kind: 'client', status };
}
