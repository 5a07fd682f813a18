import { MAIL_SERVICE_NOT_ENABLED } from './google-errors';
import type { FaultSpec } from './types';

/**
 * Google's real failures, ready to arm: `emulator.injectFault('messages.list', GOOGLE_FAULTS.preconditionFailed)`,
 * or with more fields, `{ ...GOOGLE_FAULTS.userRateLimitExceeded, retryAt: Date.now() + 60_000, times: 3 }`.
 * Over the control API: `POST /__emulator/faults { endpoint, kind: 'preconditionFailed', ... }`.
 * Each answers with Google's status, reason, domain, `status` field and message (see google-errors.ts).
 */
export const GOOGLE_FAULTS = {
  /** 400 failedPrecondition "Precondition check failed." (FAILED_PRECONDITION): transient, a retry succeeds. */
  preconditionFailed: { status: 400, reason: 'failedPrecondition' },
  /** 400 failedPrecondition "Mail service not enabled": permanent, the account has no Gmail. */
  mailServiceNotEnabled: { status: 400, reason: 'failedPrecondition', message: MAIL_SERVICE_NOT_ENABLED },
  /** 401 authError "Invalid Credentials" (UNAUTHENTICATED), with WWW-Authenticate, even for a valid token. */
  invalidCredentials: { status: 401, reason: 'authError' },
  /** 403 accessNotConfigured (usageLimits, PERMISSION_DENIED): the Gmail API is off in the Cloud project. */
  accessNotConfigured: { status: 403, reason: 'accessNotConfigured' },
  /** 403 insufficientPermissions with ErrorInfo ACCESS_TOKEN_SCOPE_INSUFFICIENT. */
  insufficientPermissions: { status: 403, reason: 'insufficientPermissions' },
  /** 403 userRateLimitExceeded; add `retryAt` for "User-rate limit exceeded.  Retry after <time>". */
  userRateLimitExceeded: { status: 403, reason: 'userRateLimitExceeded' },
  /** 429 rateLimitExceeded (RESOURCE_EXHAUSTED); add `retryAt` for the per-user "Retry after <time>" text. */
  userRateLimitExceeded429: { status: 429, reason: 'rateLimitExceeded' },
  /** 403 rateLimitExceeded "Rate Limit Exceeded" (usageLimits): the project's limit. */
  rateLimitExceeded: { status: 403, reason: 'rateLimitExceeded' },
  /** 429 rateLimitExceeded "Too many concurrent requests for user" (RESOURCE_EXHAUSTED). */
  tooManyConcurrentRequests: {
    status: 429,
    reason: 'rateLimitExceeded',
    message: 'Too many concurrent requests for user',
  },
  /** The call hangs until the client gives up (or the emulator stops). */
  stall: { status: 504, stallMs: Infinity },
  /** Token endpoint: 401 invalid_client "Unauthorized" (a wrong client secret). */
  invalidClient: { status: 401, reason: 'invalid_client' },
  /** Token endpoint: 401 unauthorized_client "Unauthorized" (a refresh token of another client). */
  unauthorizedClient: { status: 401, reason: 'unauthorized_client' },
  /** Token endpoint: 401 deleted_client "The OAuth client was deleted.". */
  deletedClient: { status: 401, reason: 'deleted_client' },
} as const satisfies Record<string, FaultSpec>;

export type GoogleFaultName = keyof typeof GOOGLE_FAULTS;

export function isGoogleFaultName(name: string): name is GoogleFaultName {
  return Object.hasOwn(GOOGLE_FAULTS, name);
}
