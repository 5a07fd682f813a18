import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { Logger } from '../logger';
import {
  BadUserInputError,
  ErrorCode,
  ReauthorizationRequiredError,
  UpstreamUnavailableError,
  type ReauthorizationCode,
} from '../errors';
import type {
  Credential,
  CredentialRepository,
  CredentialStatus,
} from '../credentials/credential.repository';
import type { AuthorizationRequestRepository } from './authorization-request.repository';
import type { GoogleOAuthService } from './google-oauth.service';
import type { Session, SessionRepository } from './session.repository';
import { classifyGoogleError } from '../gmail/google-errors';
import { hasEmailScope, hasGmailReadScope } from './scopes';

/** How long a consent URL (its state and PKCE verifier) stays usable. */
export const AUTHORIZATION_REQUEST_TTL_SECONDS = 10 * 60;

const MAX_LOGIN_HINT_LENGTH = 320;
const MAX_CODE_LENGTH = 2048;
const MAX_STATE_LENGTH = 512;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export interface AuthorizationRequestView {
  readonly url: string;
  readonly state: string;
  readonly expiresAt: Date;
}

export interface ViewerView {
  readonly id: string;
  readonly email: string;
  readonly grantedScopes: readonly string[];
  readonly status: CredentialStatus;
}

/** A completed sign-in: the session token (shown this once) and the account connected. */
export interface ExchangeCodePayloadView {
  readonly sessionToken: string;
  readonly viewer: ViewerView;
}

export interface AuthServiceDeps {
  readonly google: GoogleOAuthService;
  readonly credentials: CredentialRepository;
  readonly sessions: SessionRepository;
  readonly authorizationRequests: AuthorizationRequestRepository;
  readonly sessionTtlSeconds: number;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly randomBytes?: (size: number) => Buffer;
  /** Called when a user's stored grant changes or goes away, so per-user caches drop what they hold. */
  readonly onCredentialChanged?: (userId: string) => void;
}

export function toViewer(credential: Credential): ViewerView {
  return {
    id: credential.userId,
    email: credential.email,
    grantedScopes: credential.scopes,
    status: credential.status,
  };
}

/**
 * The server-side authorization flow: consent URLs (state + PKCE), the code exchange, sessions.
 * Created once per process; holds no per-user state of its own.
 */
export class AuthService {
  private readonly randomBytes: (size: number) => Buffer;

  constructor(private readonly deps: AuthServiceDeps) {
    this.randomBytes = deps.randomBytes ?? cryptoRandomBytes;
  }

  /**
   * The one place that makes consent URLs: a fresh state (256 random bits) and PKCE pair, stored for
   * {@link AUTHORIZATION_REQUEST_TTL_SECONDS}. `forceConsent` defaults to "no ACTIVE credential with a refresh
   * token is known for the hinted user", since only the consent screen makes Google issue a refresh token.
   */
  async createAuthorizationRequest(
    loginHint: string | null,
    forceConsent?: boolean,
  ): Promise<AuthorizationRequestView> {
    const hint = loginHint === null ? null : this.validLoginHint(loginHint);
    const consent = forceConsent ?? !(await this.hasUsableCredential(hint));
    const state = this.randomBytes(32).toString('base64url');
    const { codeVerifier, codeChallenge } = await this.deps.google.generateCodeVerifier();
    const expiresAt = new Date(this.deps.now().getTime() + AUTHORIZATION_REQUEST_TTL_SECONDS * 1000);
    await this.deps.authorizationRequests.save({ state, codeVerifier, loginHint: hint, expiresAt });
    const url = this.deps.google.consentUrl({ state, codeChallenge, loginHint: hint, forceConsent: consent });
    return { url, state, expiresAt };
  }

  /** An error a new consent fixes, carrying a ready consent URL. */
  async reauthorizationError(
    code: ReauthorizationCode,
    message: string,
    options: { loginHint?: string | null; forceConsent?: boolean } = {},
  ): Promise<ReauthorizationRequiredError> {
    const request = await this.createAuthorizationRequest(options.loginHint ?? null, options.forceConsent);
    return new ReauthorizationRequiredError(code, message, request.url);
  }

  unauthenticatedError(): Promise<ReauthorizationRequiredError> {
    return this.reauthorizationError(
      ErrorCode.UNAUTHENTICATED,
      'Sign in first: send the user to extensions.authorizationUrl, then call exchangeCode.',
    );
  }

  /**
   * Exchanges the code Google sent back for tokens, stores the credential and opens a session. The state is
   * consumed first, atomically, so a state (and with it its code) works once.
   */
  async exchangeCode(code: string, state: string): Promise<ExchangeCodePayloadView> {
    if (code.length === 0 || code.length > MAX_CODE_LENGTH) {
      throw new BadUserInputError(`code must be 1 to ${MAX_CODE_LENGTH} characters`, 'code');
    }
    const request =
      state.length === 0 || state.length > MAX_STATE_LENGTH
        ? null
        : await this.deps.authorizationRequests.consume(state);
    if (request === null) {
      throw await this.reauthorizationError(
        ErrorCode.INVALID_STATE,
        'This sign-in link is unknown, expired or already used; start again from extensions.authorizationUrl.',
      );
    }

    const outcome = await this.deps.google.exchangeCode(code, request.codeVerifier);
    if (!outcome.ok) {
      if (outcome.reason === 'unavailable') throw new UpstreamUnavailableError('Google');
      throw await this.reauthorizationError(
        ErrorCode.CODE_EXCHANGE_FAILED,
        'Google did not accept this authorization code (used, expired or not issued for this app).',
        { loginHint: request.loginHint },
      );
    }
    const { tokens } = outcome;
    if (!hasGmailReadScope(tokens.scopes) || !hasEmailScope(tokens.scopes)) {
      throw await this.reauthorizationError(
        ErrorCode.INSUFFICIENT_SCOPE,
        'Gmail read access (and the e-mail address) must be granted; tick every box on the consent screen.',
        { loginHint: request.loginHint, forceConsent: true },
      );
    }

    const identity = await this.fetchIdentity(tokens.accessToken);
    if (tokens.refreshToken === null) {
      // Google sends a refresh token only on a consent screen; a returning user keeps the stored one.
      const stored = await this.deps.credentials.findById(identity.id);
      if (stored?.refreshToken == null) throw await this.noRefreshTokenError(identity.email);
    }
    const credential = await this.deps.credentials.saveConsent({
      userId: identity.id,
      email: identity.email,
      scopes: tokens.scopes,
      refreshToken: tokens.refreshToken,
      accessToken: tokens.accessToken,
      accessTokenExpiresAt: tokens.accessTokenExpiresAt,
      issuedAt: this.deps.now(),
    });
    // A concurrent disconnect may have removed the stored refresh token between the check and the write.
    if (credential.refreshToken === null) throw await this.noRefreshTokenError(identity.email);
    this.deps.onCredentialChanged?.(credential.userId);

    const { token } = await this.deps.sessions.create(credential.userId, this.deps.sessionTtlSeconds);
    this.deps.logger.info({ userId: credential.userId }, 'google account connected');
    return { sessionToken: token, viewer: toViewer(credential) };
  }

  /** The session behind a bearer token, or null. */
  authenticate(token: string | null): Promise<Session | null> {
    return token === null ? Promise.resolve(null) : this.deps.sessions.findByToken(token);
  }

  async viewer(session: Session): Promise<ViewerView | null> {
    const credential = await this.deps.credentials.findById(session.userId);
    return credential === null ? null : toViewer(credential);
  }

  /** Ends this session only; false when there was none. */
  signOut(token: string | null): Promise<boolean> {
    return token === null ? Promise.resolve(false) : this.deps.sessions.deleteByToken(token);
  }

  /**
   * Revokes the grant at Google, then deletes the credential and every session of the user. When Google cannot
   * be reached nothing is deleted, so that the user can try again rather than leave a live grant behind.
   */
  async disconnect(session: Session): Promise<boolean> {
    const credential = await this.deps.credentials.findById(session.userId);
    const token = credential?.refreshToken ?? credential?.accessToken ?? null;
    if (token !== null) {
      try {
        await this.deps.google.revoke(token);
      } catch (error) {
        // A 4xx means Google no longer knows the token: the grant is already gone, which is what was asked.
        const { kind } = classifyGoogleError(error);
        if (kind !== 'client' && kind !== 'invalidGrant') {
          this.deps.logger.warn({ userId: session.userId, kind }, 'revoking the grant at Google failed');
          throw new UpstreamUnavailableError('Google');
        }
      }
    }
    await this.deps.credentials.delete(session.userId);
    await this.deps.sessions.deleteAllForUser(session.userId);
    this.deps.onCredentialChanged?.(session.userId);
    this.deps.logger.info({ userId: session.userId }, 'google account disconnected');
    return true;
  }

  private async fetchIdentity(accessToken: string) {
    try {
      return await this.deps.google.fetchIdentity(accessToken);
    } catch (error) {
      this.deps.logger.warn({ kind: classifyGoogleError(error).kind }, 'reading the Google identity failed');
      throw new UpstreamUnavailableError('Google');
    }
  }

  private noRefreshTokenError(email: string): Promise<ReauthorizationRequiredError> {
    return this.reauthorizationError(
      ErrorCode.NO_REFRESH_TOKEN,
      'Google sent no refresh token and none is stored for this account; consent again at extensions.authorizationUrl.',
      { loginHint: email, forceConsent: true },
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
