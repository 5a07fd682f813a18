import {
  BadUserInputError,
  ErrorCode,
  ReauthorizationRequiredError,
  type ReauthorizationCode,
} from '../errors';
import { newSignInSecrets, type AuthorizationStateCodec } from './authorization-state';
import type { ConsentPrompt, GoogleOAuthService } from './google-oauth.service';

// Consent URLs and the errors a new consent fixes, each carrying a fresh one. Kept apart from AuthService so
// that gmail/ can raise them (through ReauthorizationErrors) without depending on sign-in or sessions.

/** How long a consent URL (its state and PKCE verifier) stays usable. */
export const AUTHORIZATION_REQUEST_TTL_SECONDS = 10 * 60;

const MAX_LOGIN_HINT_LENGTH = 320;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export interface AuthorizationRequestView {
  readonly url: string;
  readonly state: string;
  /**
   * 256 random bits the browser that asked keeps beside the state (never in a URL): `exchangeCode` refuses the
   * state without it, so a leaked callback URL (code and state) cannot be redeemed by anyone else.
   */
  readonly requestSecret: string;
  readonly expiresAt: Date;
}

export interface ReauthorizationOptions {
  /** The account to suggest on Google's screen, e.g. the stored e-mail. */
  readonly loginHint?: string | null;
  /** Show the consent screen, so that Google issues a refresh token again. */
  readonly forceConsent?: boolean;
  /**
   * The screen Google shows, overriding `forceConsent`: e.g. 'select_account' when the user must pick
   * another account (GMAIL_NOT_ENABLED).
   */
  readonly prompt?: ConsentPrompt;
}

export interface ReauthorizationErrors {
  /** An error a new consent fixes, carrying a ready consent URL. */
  reauthorizationError(
    code: ReauthorizationCode,
    message: string,
    options?: ReauthorizationOptions,
  ): Promise<ReauthorizationRequiredError>;
  /** UNAUTHENTICATED with a consent URL: no session, or its user has no credential. */
  unauthenticated(): Promise<ReauthorizationRequiredError>;
}

export interface ConsentErrorsDeps {
  readonly google: GoogleOAuthService;
  readonly states: AuthorizationStateCodec;
  readonly now: () => Date;
  readonly randomBytes: (size: number) => Buffer;
}

/** Created once per process (by AuthService); holds no state of its own, and minting a URL writes nothing. */
export class ConsentErrors implements ReauthorizationErrors {
  constructor(private readonly deps: ConsentErrorsDeps) {}

  /**
   * The one place that makes consent URLs: a sealed state holding a fresh PKCE verifier, the login hint, the
   * expiry ({@link AUTHORIZATION_REQUEST_TTL_SECONDS}) and the hash of a fresh request secret.
   *
   * `prompt=consent` only when asked for (`forceConsent`, by callers that know the user needs a new refresh
   * token). It never depends on what is stored for `loginHint`: anyone may ask for a URL for any address, and the
   * answer must not tell whether that address has an account here. Google shows the consent screen itself on a
   * first grant; a returning user whose refresh token is lost gets NO_REFRESH_TOKEN, which asks for consent.
   * A `prompt` given overrides `forceConsent` (e.g. `select_account` when the account has no Gmail).
   */
  createAuthorizationRequest(
    loginHint: string | null,
    forceConsent = false,
    prompt?: ConsentPrompt,
  ): AuthorizationRequestView {
    const hint = loginHint === null ? null : this.validLoginHint(loginHint);
    const secrets = newSignInSecrets(this.deps.randomBytes);
    const expiresAt = new Date(this.deps.now().getTime() + AUTHORIZATION_REQUEST_TTL_SECONDS * 1000);
    const state = this.deps.states.seal({
      expiresAt,
      loginHint: hint,
      codeVerifier: secrets.codeVerifier,
      requestSecretHash: secrets.requestSecretHash,
    });
    const url = this.deps.google.consentUrl({
      state,
      codeChallenge: secrets.codeChallenge,
      loginHint: hint,
      prompt: prompt ?? (forceConsent ? 'consent' : null),
    });
    return { url, state, requestSecret: secrets.requestSecret, expiresAt };
  }

  async reauthorizationError(
    code: ReauthorizationCode,
    message: string,
    options: ReauthorizationOptions = {},
  ): Promise<ReauthorizationRequiredError> {
    const request = this.createAuthorizationRequest(
      options.loginHint ?? null,
      options.forceConsent,
      options.prompt,
    );
    return new ReauthorizationRequiredError(code, message, request.url, request.requestSecret);
  }

  unauthenticated(): Promise<ReauthorizationRequiredError> {
    return this.reauthorizationError(
      ErrorCode.UNAUTHENTICATED,
      'Sign in first: send the user to extensions.authorizationUrl, then call exchangeCode.',
    );
  }

  private validLoginHint(loginHint: string): string | null {
    const hint = loginHint.trim();
    if (hint === '') return null;
    if (hint.length > MAX_LOGIN_HINT_LENGTH || CONTROL_CHARACTERS.test(hint)) {
      throw new BadUserInputError(
        `loginHint must be an e-mail address or Google account id of at most ${MAX_LOGIN_HINT_LENGTH} characters`,
        'loginHint',
      );
    }
    return hint;
  }
}
