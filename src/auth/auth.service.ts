import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { Logger } from '../logger';
import { ErrorCode, type ReauthorizationCode, type ReauthorizationRequiredError } from '../errors';
import type { CredentialRepository } from '../credentials/credential.repository';
import type { AuthorizationRequestRepository } from './authorization-request.repository';
import { requestSecretMatches, type AuthorizationStateCodec } from './authorization-state';
import { checkCode, noRefreshTokenError, openState, readIdentity, revokeUnusedGrant } from './code-exchange';
import type { GoogleOAuthService } from './google-oauth.service';
import { googleFailure, googleUnavailable } from './google-failure';
import type { Session, SessionRepository } from './session.repository';
import { classifyGoogleError } from '../upstream/google-errors';
import type { OperatorFaultReporter } from '../upstream/operator-faults';
import {
  ConsentErrors,
  type AuthorizationRequestView,
  type ReauthorizationErrors,
  type ReauthorizationOptions,
} from './consent-errors';
import { hasEmailScope, hasGmailReadScope } from './scopes';
import { toViewer, type ExchangeCodePayloadView, type ViewerView } from './viewer';

export { AUTHORIZATION_REQUEST_TTL_SECONDS } from './consent-errors';
export type { AuthorizationRequestView } from './consent-errors';
export { toViewer } from './viewer';
export type { ExchangeCodePayloadView, ViewerView } from './viewer';

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
    checkCode(code);
    const request = openState(this.deps.states, state, this.deps.now());
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
      const failure = await googleFailure(outcome.error, this.deps.operatorFaults, (refusal) =>
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
      revokeUnusedGrant(this.deps, tokens);
      throw await this.reauthorizationError(
        ErrorCode.INSUFFICIENT_SCOPE,
        'Gmail read access (and the e-mail address) must be granted; tick every box on the consent screen.',
        { loginHint: request.loginHint, forceConsent: true },
      );
    }

    const identity = await readIdentity(this.deps, tokens.accessToken);
    if (tokens.refreshToken === null) {
      // Google sends a refresh token only on a consent screen; a returning user keeps the stored one.
      const stored = await this.deps.credentials.findById(identity.id);
      if (stored?.refreshToken == null) {
        revokeUnusedGrant(this.deps, tokens);
        throw await noRefreshTokenError(this.consent, identity.email);
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
    if (credential.refreshToken === null) throw await noRefreshTokenError(this.consent, identity.email);
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
        const failure = await googleFailure(kind, this.deps.operatorFaults, (refusal) =>
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
}
