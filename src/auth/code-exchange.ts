// The steps of AuthService.exchangeCode that are not its main line: checking what the callback brought, reading
// whose account Google just granted, and cleaning up after a sign-in that fails once Google has issued tokens.

import { BadUserInputError, ErrorCode, type ReauthorizationRequiredError } from '../errors';
import type { Logger } from '../logger';
import { classifyGoogleError } from '../upstream/google-errors';
import type { OperatorFaultReporter } from '../upstream/operator-faults';
import type { AuthorizationStateCodec, AuthorizationStateContents } from './authorization-state';
import type { ReauthorizationErrors } from './consent-errors';
import type { GoogleIdentity, GoogleOAuthService } from './google-oauth.service';
import { googleFailure, googleUnavailable } from './google-failure';

const MAX_CODE_LENGTH = 2048;
/** A sealed state is ~135 characters, plus 4/3 of the login hint's UTF-8 (at most 320 characters). */
const MAX_STATE_LENGTH = 2048;

/** A code of a length Google could have issued, or BAD_USER_INPUT naming the argument. */
export function checkCode(code: string): void {
  if (code.length === 0 || code.length > MAX_CODE_LENGTH) {
    throw new BadUserInputError(`code must be 1 to ${MAX_CODE_LENGTH} characters`, 'code');
  }
}

/** The sealed state's contents, or null when it is too long to be one of ours, forged or expired. */
export function openState(
  states: AuthorizationStateCodec,
  state: string,
  now: Date,
): AuthorizationStateContents | null {
  return state.length === 0 || state.length > MAX_STATE_LENGTH ? null : states.open(state, now);
}

/** Whose account the new tokens are for; any failure stops the sign-in as Google being unavailable. */
export async function readIdentity(
  deps: {
    readonly google: GoogleOAuthService;
    readonly logger: Logger;
    readonly operatorFaults: OperatorFaultReporter;
  },
  accessToken: string,
): Promise<GoogleIdentity> {
  try {
    return await deps.google.fetchIdentity(accessToken);
  } catch (error) {
    const kind = classifyGoogleError(error);
    deps.logger.warn({ kind: kind.kind }, 'reading the Google identity failed');
    // Whatever Google said about a token it issued a moment ago, sign-in cannot go on until it answers well.
    throw (await googleFailure(kind, deps.operatorFaults)) ?? googleUnavailable();
  }
}

/**
 * Best effort, not awaited: tokens Google issued for a sign-in that then fails are revoked, so no grant is left
 * behind that the gateway holds no record of. The refresh token when there is one (it revokes the grant); a
 * failure is logged and changes nothing for the caller, whose answer is already decided.
 */
export function revokeUnusedGrant(
  deps: { readonly google: GoogleOAuthService; readonly logger: Logger },
  tokens: { readonly accessToken: string; readonly refreshToken: string | null },
): void {
  deps.google.revoke(tokens.refreshToken ?? tokens.accessToken).catch((error: unknown) => {
    deps.logger.warn(
      { kind: classifyGoogleError(error).kind },
      'revoking the tokens of a failed sign-in failed',
    );
  });
}

/** Without a refresh token the gateway cannot act later: only a forced consent screen makes Google send one. */
export function noRefreshTokenError(
  consent: ReauthorizationErrors,
  email: string,
): Promise<ReauthorizationRequiredError> {
  return consent.reauthorizationError(
    ErrorCode.NO_REFRESH_TOKEN,
    'Google sent no refresh token and none is stored for this account; consent again at extensions.authorizationUrl.',
    { loginHint: email, forceConsent: true },
  );
}
