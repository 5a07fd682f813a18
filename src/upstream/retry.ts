import { systemClock } from '../clock';
import { classifyGoogleError, type GoogleErrorKind } from './google-errors';

// Retries a Gmail call on rate limits (429, 403 rateLimitExceeded) and transient failures (5xx, network),
// with exponential backoff plus jitter, honouring Retry-After, within a total time budget. gaxios's own retry
// is turned off for these calls: it ignores Retry-After and does not know about 403 rate limits.

export interface RetryPolicy {
  /** Total time a call may spend waiting between attempts, e.g. 8000 ms. */
  readonly budgetMs: number;
  /** First backoff, doubled each attempt (with full jitter), e.g. 200 ms. */
  readonly baseDelayMs: number;
  readonly maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { budgetMs: 8000, baseDelayMs: 200, maxAttempts: 6 };

/** What remains after retries ran out: the caller maps it to RATE_LIMITED or UPSTREAM_UNAVAILABLE. */
export class RetriesExhaustedError extends Error {
  constructor(
    readonly kind: Extract<GoogleErrorKind, { kind: 'rateLimited' | 'unavailable' }>,
    override readonly cause: unknown,
  ) {
    super(`Google kept failing (${kind.kind}) after retries`);
    this.name = 'RetriesExhaustedError';
  }
}

export interface RetryClock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it is aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: RetryClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => systemClock.sleep(ms, signal),
};

export async function withRetries<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
  clock: RetryClock = realClock,
  random: () => number = Math.random,
  /** The request's deadline or hang-up: once aborted, no further attempt and no more waiting. */
  signal?: AbortSignal,
): Promise<T> {
  const deadline = clock.now() + policy.budgetMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (signal?.aborted) throw error;
      const kind = classifyGoogleError(error);
      if (kind.kind !== 'rateLimited' && kind.kind !== 'unavailable') throw error;
      const backoff = random() * policy.baseDelayMs * 2 ** (attempt - 1);
      const delay = Math.max(backoff, (kind.retryAfterSeconds ?? 0) * 1000);
      if (attempt >= policy.maxAttempts || clock.now() + delay > deadline) {
        throw new RetriesExhaustedError(kind, error);
      }
      await clock.sleep(delay, signal);
    }
  }
}
