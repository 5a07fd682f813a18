// What a failed call to Google's OAuth endpoints means for sign-in and disconnect: the few refusals a call gives
// a meaning of its own, and Google being unavailable for everything else.

import { UpstreamUnavailableError, type GatewayError } from '../errors';
import type { GoogleErrorKind } from '../upstream/google-errors';
import type { OperatorFaultReporter } from '../upstream/operator-faults';
import { upstreamError, type GoogleRefusal } from '../upstream/upstream-error';

export const googleUnavailable = (): GatewayError => new UpstreamUnavailableError('Google');

/**
 * `named` answers the refusals this call gives a meaning (undefined for the others); every other failure is
 * Google being unavailable. Complaints about the OAuth client itself go to `operatorFaults` as well.
 */
export function googleFailure(
  kind: GoogleErrorKind,
  operatorFaults: OperatorFaultReporter,
  named?: (refusal: GoogleRefusal) => Promise<GatewayError | null> | undefined,
): Promise<GatewayError | null> {
  return upstreamError(kind, {
    upstream: 'Google',
    unexplainedIsUnavailable: true,
    operatorFaults,
    refused: (refusal) => named?.(refusal) ?? Promise.resolve(googleUnavailable()),
  });
}
