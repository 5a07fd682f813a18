import type { CredentialRepository } from '../credentials/credential.repository';
import {
  BadUserInputError,
  ErrorCode,
  ReauthorizationRequiredError,
  type ReauthorizationCode,
} from '../errors';
import type { AuthorizationRequestRepository } from './authorization-request.repository';
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
  readonly credentials: CredentialRepository;
  readonly authorizationRequests: AuthorizationRequestRepository;
  readonly now: () => Date;
  readonly randomBytes: (size: number) => Buffer;
}

/** Created once per process (by AuthService); holds no state of its own. */
export class ConsentErrors implements ReauthorizationErrors {
  constructor(private readonly deps: ConsentErrorsDeps) {}

  /**
   * The one place that makes consent URLs: a fresh state (256 random bits) and PKCE pair, stored for
   * {@link AUTHORIZATION_REQUEST_TTL_SECONDS}. `forceConsent` defaults to "no ACTIVE credential with a refresh
   * token is known for the hinted user", since only the consent screen makes Google issue a refresh token;
   * a `prompt` given overrides it.
   */
  async createAuthorizationRequest(
    loginHint: string | null,
    forceConsent?: boolean,
    prompt?: ConsentPrompt,
  ): Promise<AuthorizationRequestView> {
    const hint = loginHint === null ? null : this.validLoginHint(loginHint);
    const shown = prompt ?? ((forceConsent ?? !(await this.hasUsableCredential(hint))) ? 'consent' : null);
    const state = this.deps.randomBytes(32).toString('base64url');
    const { codeVerifier, codeChallenge } = await this.deps.google.generateCodeVerifier();
    const expiresAt = new Date(this.deps.now().getTime() + AUTHORIZATION_REQUEST_TTL_SECONDS * 1000);
    await this.deps.authorizationRequests.save({ state, codeVerifier, loginHint: hint, expiresAt });
    const url = this.deps.google.consentUrl({ state, codeChallenge, loginHint: hint, prompt: shown });
    return { url, state, expiresAt };
  }

  async reauthorizationError(
    code: ReauthorizationCode,
    message: string,
    options: ReauthorizationOptions = {},
  ): Promise<ReauthorizationRequiredError> {
    const request = await this.createAuthorizationRequest(
      options.loginHint ?? null,
      options.forceConsent,
      options.prompt,
    );
    return new ReauthorizationRequiredError(code, message, request.url);
  }

  unauthenticated(): Promise<ReauthorizationRequiredError> {
    return this.reauthorizationError(
      ErrorCode.UNAUTHENTICATED,
      'Sign in first: send the user to extensions.authorizationUrl, then call exchangeCode.',
    );
  }

  private async hasUsableCredential(loginHint: string | null): Promise<boolean> {
    if (loginHint === null || !loginHint.includes('@')) return false;
    const credential = await this.deps.credentials.findByEmail(loginHint);
    return credential?.status === 'ACTIVE' && credential.refreshToken !== null;
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
