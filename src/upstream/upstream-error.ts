import { assertNever, RateLimitedError, UpstreamUnavailableError, type GatewayError } from '../errors';
import type { GoogleErrorKind } from './google-errors';
import type { OperatorFaultReporter } from './operator-faults';

// The one place that turns what Google said into the error contract. Every caller (sign-in, the token refresh
// inside Gmail calls, Gmail itself, disconnect) goes through upstreamError(); what differs between them is
// only what a refusal means, which the caller states in a GoogleCall.

/** Kinds in which Google refused the grant or the request: what they mean depends on the call. */
export type GoogleRefusal = Extract<
  GoogleErrorKind,
  { kind: 'invalidGrant' | 'insufficientScope' | 'mailNotEnabled' | 'client' }
>;

/** How one kind of call to Google reads the kinds only its caller can judge. */
export interface GoogleCall {
  /** Named in UPSTREAM_UNAVAILABLE's message, e.g. 'Gmail'. */
  readonly upstream: 'Google' | 'Gmail';
  /**
   * RATE_LIMITED's `retryAfterSeconds` when Google sent no Retry-After, e.g. 8. Undefined: this call reports
   * no RATE_LIMITED (the code names Gmail's per-user limit), a rate limit counts as Google being unavailable.
   */
  readonly retryAfterFallbackSeconds?: number;
  /**
   * The error for a refusal, e.g. CREDENTIALS_REVOKED with a consent URL for the account (see ConsentErrors);
   * null when this call does not count the refusal as a failure (a revoke of a grant Google already forgot) or
   * leaves it to the caller (a 4xx Gmail blamed on the gateway's own request, masked as an internal error).
   */
  readonly refused: (refusal: GoogleRefusal) => Promise<GatewayError | null>;
  /**
   * What `notFound` and `unknown` mean: true makes them UPSTREAM_UNAVAILABLE (sign-in: Google did not answer
   * usefully), false returns null so the caller decides (Gmail: a missing message is null, a bug stays a bug).
   */
  readonly unexplainedIsUnavailable: boolean;
  /** Where a fault of the operator (OAuth client, Cloud project) is logged; it never reaches `refused`. */
  readonly operatorFaults: OperatorFaultReporter;
}

/** The gateway error for what Google said, or null where the call leaves the original error to its caller. */
export async function upstreamError(kind: GoogleErrorKind, call: GoogleCall): Promise<GatewayError | null> {
  switch (kind.kind) {
    case 'invalidGrant':
    case 'insufficientScope':
    case 'mailNotEnabled':
    case 'client':
      return call.refused(kind);
    case 'unauthorized':
      // Only `invalid_grant` on a refresh says a grant is dead. A 401 that outlived a refresh and its replays
      // (see GmailClient) is Google failing, and must not lock the user out.
      return new UpstreamUnavailableError(call.upstream);
    case 'operatorFault':
      // No user can fix the OAuth client or the Cloud project: tell the operator, touch no credential.
      call.operatorFaults.report(kind.fault, kind.service);
      return new UpstreamUnavailableError(call.upstream);
    case 'rateLimited':
      return call.retryAfterFallbackSeconds === undefined
        ? new UpstreamUnavailableError(call.upstream)
        : new RateLimitedError(kind.retryAfterSeconds ?? call.retryAfterFallbackSeconds);
    case 'unavailable':
      return new UpstreamUnavailableError(call.upstream);
    case 'notFound':
    case 'unknown':
      return call.unexplainedIsUnavailable ? new UpstreamUnavailableError(call.upstream) : null;
    default:
      return assertNever(kind);
  }
}
