import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { Logger } from '../logger';
import {
  BadUserInputError,
  ErrorCode,
  UpstreamUnavailableError,
  type GatewayError,
  type ReauthorizationCode,
  type ReauthorizationRequiredError,
} from '../errors';
import type {
  Credential,
  CredentialRepository,
  CredentialStatus,
} from '../credentials/credential.repository';
import type { AuthorizationRequestRepository } from './authorization-request.repository';
import { requestSecretMatches, type AuthorizationStateCodec } from './authorization-state';
import type { GoogleOAuthService } from './google-oauth.service';
import type { Session, SessionRepository } from './session.repository';
import { classifyGoogleError, type GoogleErrorKind } from '../upstream/google-errors';
import type { OperatorFaultReporter } from '../upstream/operator-faults';
import { upstreamError, type GoogleRefusal } from '../upstream/upstream-error';
import {
  ConsentErrors,
  type AuthorizationRequestView,
  type ReauthorizationErrors,
  type ReauthorizationOptions,
} from './consent-errors';
import { hasEmailScope, hasGmailReadScope } from './scopes';

export { AUTHORIZATION_REQUEST_TTL_SECONDS } from './consent-errors';
export type { AuthorizationRequestView } from './consent-errors';

const MAX_CODE_LENGTH = 2048;
/** A sealed state is ~135 characters, plus 4/3 of the login hint's UTF-8 (at most 320 characters). */
const MAX_STATE_LENGTH = 2048;

const googleUnavailable = (): GatewayError => new UpstreamUnavailableError('Google');

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
  /** Where used states are recorded, so that each works once. */
  readonly authorizationRequests: AuthorizationRequestRepository;
  /** Seals and opens states (keys derived from TOKEN_ENCRYPTION_KEYS). */
  readonly states: AuthorizationStateCodec;
  readonly sessionTtlSeconds: number;
  readonly logger: Logger;
  /** Where Google's complaints about the OAuth client are logged (one per process, shared with Gmail calls). */
  readonly operatorFaults: OperatorFaultReporter;
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
  private readonly consent: ConsentErrors;

  constructor(private readonly deps: AuthServiceDeps) {
    this.consent = new ConsentErrors({
      google: deps.google,
      states: deps.states,
      now: deps.now,
      randomBytes: deps.randomBytes ?? cryptoRandomBytes,
    });
  }

  /** Consent-URL errors, for the services that must raise them without depending on AuthService. */
  get consentErrors(): ReauthorizationErrors {
    return this.consent;
  }

  /**
   * A consent URL with a fresh sealed state, PKCE pair and request secret (see ConsentErrors, the one place that
   * makes them). Writes nothing and reads nothing: callers need no session.
   */
  createAuthorizationRequest(loginHint: string | null): AuthorizationRequestView {
    return this.consent.createAuthorizationRequest(loginHint);
  }

  /** An error a new consent fixes, carrying a ready consent URL. */
  reauthorizationError(
    code: ReauthorizationCode,
    message: string,
    options: ReauthorizationOptions = {},
  ): Promise<ReauthorizationRequiredError> {
    return this.consent.reauthorizationError(code, message, options);
  }

  unauthenticatedError(): Promise<ReauthorizationRequiredError> {
    return this.consent.unauthenticated();
  }

  /**
   * Exchanges the code Google sent back for tokens, stores the credential and opens a session.
   *
   * Before Google is called, in this order: the state must open (sealed here, not expired), the request secret
   * must match the hash sealed in it, and only then is its use recorded (a unique insert), so a state works once.
   * A forged or expired state and a wrong secret write nothing: someone holding a leaked callback URL but not
   * the secret can neither sign in nor use up the state, and the browser that started the sign-in still can.
   * `replacesSession` (the bearer token the request carried) is ended once the new session exists: a browser
   * holds one session at a time.
   */
  async exchangeCode(
    code: string,
    state: string,
    requestSecret: string,
    options: { readonly replacesSession?: string | null } = {},
  ): Promise<ExchangeCodePayloadView> {
    if (code.length === 0 || code.length > MAX_CODE_LENGTH) {
      throw new BadUserInputError(`code must be 1 to ${MAX_CODE_LENGTH} characters`, 'code');
    }
    const request =
      state.length === 0 || state.length > MAX_STATE_LENGTH
        ? null
        : this.deps.states.open(state, this.deps.now());
    if (
      request === null ||
      !requestSecretMatches(requestSecret, request) ||
      !(await this.deps.authorizationRequests.recordUse(state, request.expiresAt))
    ) {
      throw await this.reauthorizationError(
        ErrorCode.INVALID_STATE,
        'This sign-in link is unknown, expired, already used or was started in another browser; start again from extensions.authorizationUrl.',
      );
    }

    const outcome = await this.deps.google.exchangeCode(code, request.codeVerifier);
    if (!outcome.ok) {
      // invalid_grant or another 4xx: the code (or verifier, or redirect URI) is not acceptable. Anything else
      // (5xx after the library's retries, network) is Google being unavailable, and so, for the user, is the
      // token endpoint rejecting the OAuth client itself (an operator fault, logged as such).
      const failure = await this.googleFailure(outcome.error, (refusal) =>
        refusal.kind === 'client' || refusal.kind === 'invalidGrant'
          ? this.reauthorizationError(
              ErrorCode.CODE_EXCHANGE_FAILED,
              'Google did not accept this authorization code (used, expired or not issued for this app).',
              { loginHint: request.loginHint },
            )
          : undefined,
      );
      throw failure ?? googleUnavailable();
    }
    const { tokens } = outcome;
    if (!hasGmailReadScope(tokens.scopes) || !hasEmailScope(tokens.scopes)) {
      this.revokeUnusedGrant(tokens);
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
      if (stored?.refreshToken == null) {
        this.revokeUnusedGrant(tokens);
        throw await this.noRefreshTokenError(identity.email);
      }
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
    if (options.replacesSession) await this.deps.sessions.deleteByToken(options.replacesSession);
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
        const kind = classifyGoogleError(error);
        // A 4xx means Google no longer knows the token: the grant is already gone, which is what was asked.
        const failure = await this.googleFailure(kind, (refusal) =>
          refusal.kind === 'client' || refusal.kind === 'invalidGrant' ? Promise.resolve(null) : undefined,
        );
        if (failure !== null) {
          this.deps.logger.warn(
            { userId: session.userId, kind: kind.kind },
            'revoking the grant at Google failed',
          );
          throw failure;
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
      const kind = classifyGoogleError(error);
      this.deps.logger.warn({ kind: kind.kind }, 'reading the Google identity failed');
      // Whatever Google said about a token it issued a moment ago, sign-in cannot go on until it answers well.
      throw (await this.googleFailure(kind)) ?? googleUnavailable();
    }
  }

  /**
   * What a failed call to Google's OAuth endpoints means: `named` answers the refusals this call gives a meaning
   * (undefined for the others); every other failure is Google being unavailable.
   */
  private googleFailure(
    kind: GoogleErrorKind,
    named?: (refusal: GoogleRefusal) => Promise<GatewayError | null> | undefined,
  ): Promise<GatewayError | null> {
    return upstreamError(kind, {
      upstream: 'Google',
      unexplainedIsUnavailable: true,
      operatorFaults: this.deps.operatorFaults,
      refused: (refusal) => named?.(refusal) ?? Promise.resolve(googleUnavailable()),
    });
  }

  /**
   * Best effort, not awaited: tokens Google issued for a sign-in that then fails are revoked, so no grant is left
   * behind that the gateway holds no record of. The refresh token when there is one (it revokes the grant); a
   * failure is logged and changes nothing for the caller, whose answer is already decided.
   */
  private revokeUnusedGrant(tokens: {
    readonly accessToken: string;
    readonly refreshToken: string | null;
  }): void {
    this.deps.google.revoke(tokens.refreshToken ?? tokens.accessToken).catch((error: unknown) => {
      this.deps.logger.warn(
        { kind: classifyGoogleError(error).kind },
        'revoking the tokens of a failed sign-in failed',
      );
    });
  }

  private noRefreshTokenError(email: string): Promise<ReauthorizationRequiredError> {
    return this.reauthorizationError(
      ErrorCode.NO_REFRESH_TOKEN,
      'Google sent no refresh token and none is stored for this account; consent again at extensions.authorizationUrl.',
      { loginHint: email, forceConsent: true },
    );
  }
}
