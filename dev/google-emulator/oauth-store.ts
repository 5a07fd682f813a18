import { createHash, randomBytes } from 'node:crypto';
import type { OAuthClientRegistration } from './types';

/** What one user granted one client. Deleted when the grant is revoked: the next consent is a first one again. */
export interface Grant {
  readonly userId: string;
  readonly clientId: string;
  /** Every scope ever granted to this client (include_granted_scopes unions these in). */
  readonly scopes: Set<string>;
  /** Google issues a refresh token on the first offline consent only (or when prompt=consent). */
  refreshTokenIssued: boolean;
  readonly tokens: Set<IssuedToken>;
}

export interface IssuedToken {
  readonly kind: 'access' | 'refresh';
  readonly value: string;
  readonly grant: Grant;
  readonly scopes: readonly string[];
  /** ms; Infinity for refresh tokens. Lowered by expireAccessTokens(). */
  expiresAt: number;
  readonly offline: boolean;
}

export interface AuthorizationCode {
  readonly value: string;
  /** The grant it was issued under: if that grant is revoked before the exchange, the code dies with it. */
  readonly grant: Grant;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  readonly codeChallenge?: string;
  readonly codeChallengeMethod?: 'S256' | 'plain';
  readonly offline: boolean;
  /** prompt included consent: a refresh token even when one was issued before. */
  readonly forceConsent: boolean;
  readonly expiresAt: number;
  /** The tokens it was exchanged for; null while unused. A replay revokes them, as Google does. */
  redeemedFor: IssuedToken[] | null;
}

export type CodeRejection = 'bad_request' | 'missing_verifier' | 'invalid_verifier';

/**
 * The store's grants, their live tokens and the unused codes, as plain JSON (refresh tokens never expire:
 * `expiresAt` null). Clients are not part of it: whoever starts the emulator registers them again.
 */
export interface OAuthStoreState {
  readonly grants: ReadonlyArray<{
    readonly userId: string;
    readonly clientId: string;
    readonly scopes: readonly string[];
    readonly refreshTokenIssued: boolean;
    readonly tokens: ReadonlyArray<{
      readonly kind: IssuedToken['kind'];
      readonly value: string;
      readonly scopes: readonly string[];
      readonly expiresAt: number | null;
      readonly offline: boolean;
    }>;
  }>;
  readonly codes: ReadonlyArray<Omit<AuthorizationCode, 'grant' | 'redeemedFor'>>;
}

const SWEEP_EVERY = 1000;
const randomToken = (prefix: string, bytes: number): string =>
  prefix + randomBytes(bytes).toString('base64url');

/**
 * The OAuth server's state: clients, grants, codes and tokens. One per emulator. Tokens are looked up in one Map
 * (O(1) on every API call); expired ones are swept every SWEEP_EVERY issuances so long benchmarks stay flat.
 */
export class OAuthStore {
  private readonly clients = new Map<string, OAuthClientRegistration>();
  private readonly grants = new Map<string, Grant>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private issuedSinceSweep = 0;

  constructor(
    private readonly now: () => number,
    private readonly settings: { accessTokenTtlMs: number; codeTtlMs: number; rotateRefreshTokens: boolean },
  ) {}

  registerClient(client: OAuthClientRegistration): void {
    this.clients.set(client.clientId, { ...client, redirectUris: [...client.redirectUris] });
  }

  client(clientId: string): OAuthClientRegistration | null {
    return this.clients.get(clientId) ?? null;
  }

  grant(userId: string, clientId: string): Grant | null {
    return this.grants.get(grantKey(userId, clientId)) ?? null;
  }

  /** The user consented: records the grant and issues a code. */
  issueCode(
    request: Omit<AuthorizationCode, 'value' | 'grant' | 'expiresAt' | 'redeemedFor'>,
  ): AuthorizationCode {
    const grant = this.grantOrCreate(request.userId, request.clientId);
    for (const scope of request.scopes) grant.scopes.add(scope);
    const code: AuthorizationCode = {
      ...request,
      grant,
      value: randomToken('4/0A', 48),
      expiresAt: this.now() + this.settings.codeTtlMs,
      redeemedFor: null,
    };
    this.codes.set(code.value, code);
    this.maybeSweep();
    return code;
  }

  /**
   * Exchanges a code. Failures leave an unused code usable; a used one is a replay, which revokes what the code
   * was first exchanged for.
   */
  redeemCode(
    clientId: string,
    value: string,
    redirectUri: string,
    codeVerifier: string | undefined,
  ): { tokens: IssuedToken[] } | { rejection: CodeRejection } {
    const code = this.codes.get(value);
    if (!code || code.clientId !== clientId) return { rejection: 'bad_request' };
    if (code.redeemedFor) {
      for (const token of code.redeemedFor) this.kill(token);
      return { rejection: 'bad_request' };
    }
    const grantAlive = this.grants.get(grantKey(code.userId, code.clientId)) === code.grant;
    if (!grantAlive || this.now() >= code.expiresAt || code.redirectUri !== redirectUri) {
      return { rejection: 'bad_request' };
    }
    if (code.codeChallenge !== undefined) {
      if (!codeVerifier) return { rejection: 'missing_verifier' };
      if (!verifierMatches(codeVerifier, code.codeChallenge, code.codeChallengeMethod)) {
        return { rejection: 'invalid_verifier' };
      }
    }
    const grant = code.grant;
    const tokens = [this.issue('access', grant, code.scopes, code.offline)];
    if (code.offline && (code.forceConsent || !grant.refreshTokenIssued)) {
      grant.refreshTokenIssued = true;
      tokens.push(this.issue('refresh', grant, code.scopes, true));
    }
    code.redeemedFor = tokens;
    return { tokens };
  }

  /**
   * A refresh grant: a new access token, and a new refresh token when rotating. Null: invalid_grant (unknown,
   * revoked or not a refresh token); 'other_client': a live refresh token issued to another client.
   */
  refresh(
    clientId: string,
    refreshToken: string,
  ): { access: IssuedToken; rotated?: IssuedToken } | 'other_client' | null {
    const token = this.live(refreshToken);
    if (!token || token.kind !== 'refresh') return null;
    if (token.grant.clientId !== clientId) return 'other_client';
    const access = this.issue('access', token.grant, token.scopes, true);
    if (!this.settings.rotateRefreshTokens) return { access };
    this.kill(token);
    return { access, rotated: this.issue('refresh', token.grant, token.scopes, true) };
  }

  /** A token that still works (not revoked, not expired), of either kind. */
  live(value: string): IssuedToken | null {
    const token = this.tokens.get(value);
    if (!token) return null;
    if (this.now() >= token.expiresAt) {
      this.kill(token);
      return null;
    }
    return token;
  }

  liveAccessToken(value: string): IssuedToken | null {
    const token = this.live(value);
    return token?.kind === 'access' ? token : null;
  }

  /** Revokes the whole grant the token belongs to, like Google's revoke endpoint; null when the token is dead. */
  revokeGrantOf(value: string): IssuedToken | null {
    const token = this.live(value);
    if (token) this.revokeGrant(token.grant);
    return token;
  }

  /** Every grant of the user, all clients: like the user removing access in their Google Account. */
  revokeUser(userId: string): void {
    for (const grant of [...this.grants.values()]) if (grant.userId === userId) this.revokeGrant(grant);
  }

  expireAccessTokens(userId?: string): void {
    const now = this.now();
    for (const token of this.tokens.values()) {
      if (token.kind === 'access' && (userId === undefined || token.grant.userId === userId)) {
        token.expiresAt = Math.min(token.expiresAt, now);
      }
    }
  }

  /**
   * What restore() needs to carry on where this store is: grants, live tokens, codes not yet used. Used codes
   * are left out, so a replay after a restart answers invalid_grant without revoking what the code gave.
   */
  snapshot(): OAuthStoreState {
    const now = this.now();
    return {
      grants: [...this.grants.values()].map((grant) => ({
        userId: grant.userId,
        clientId: grant.clientId,
        scopes: [...grant.scopes],
        refreshTokenIssued: grant.refreshTokenIssued,
        tokens: [...grant.tokens]
          .filter((token) => now < token.expiresAt)
          .map((token) => ({
            kind: token.kind,
            value: token.value,
            scopes: [...token.scopes],
            expiresAt: token.expiresAt === Infinity ? null : token.expiresAt,
            offline: token.offline,
          })),
      })),
      codes: [...this.codes.values()]
        .filter((code) => code.redeemedFor === null && now < code.expiresAt)
        .map(({ grant: _grant, redeemedFor: _redeemedFor, ...code }) => code),
    };
  }

  /** Adds what snapshot() returned to this (fresh) store. */
  restore(state: OAuthStoreState): void {
    for (const saved of state.grants) {
      const grant = this.grantOrCreate(saved.userId, saved.clientId);
      for (const scope of saved.scopes) grant.scopes.add(scope);
      grant.refreshTokenIssued ||= saved.refreshTokenIssued;
      for (const token of saved.tokens) {
        const issued: IssuedToken = { ...token, grant, expiresAt: token.expiresAt ?? Infinity };
        this.tokens.set(issued.value, issued);
        grant.tokens.add(issued);
      }
    }
    for (const code of state.codes) {
      const grant = this.grants.get(grantKey(code.userId, code.clientId));
      if (grant) this.codes.set(code.value, { ...code, grant, redeemedFor: null });
    }
  }

  private revokeGrant(grant: Grant): void {
    for (const token of [...grant.tokens]) this.kill(token);
    this.grants.delete(grantKey(grant.userId, grant.clientId));
  }

  private grantOrCreate(userId: string, clientId: string): Grant {
    const key = grantKey(userId, clientId);
    let grant = this.grants.get(key);
    if (!grant) {
      grant = { userId, clientId, scopes: new Set(), refreshTokenIssued: false, tokens: new Set() };
      this.grants.set(key, grant);
    }
    return grant;
  }

  private issue(
    kind: IssuedToken['kind'],
    grant: Grant,
    scopes: readonly string[],
    offline: boolean,
  ): IssuedToken {
    const token: IssuedToken = {
      kind,
      value: kind === 'access' ? randomToken('ya29.a0', 96) : randomToken('1//0', 72),
      grant,
      scopes,
      expiresAt: kind === 'access' ? this.now() + this.settings.accessTokenTtlMs : Infinity,
      offline,
    };
    this.tokens.set(token.value, token);
    grant.tokens.add(token);
    this.maybeSweep();
    return token;
  }

  private kill(token: IssuedToken): void {
    this.tokens.delete(token.value);
    token.grant.tokens.delete(token);
  }

  private maybeSweep(): void {
    if (++this.issuedSinceSweep < SWEEP_EVERY) return;
    this.issuedSinceSweep = 0;
    const now = this.now();
    for (const token of [...this.tokens.values()]) if (now >= token.expiresAt) this.kill(token);
    for (const [value, code] of this.codes) if (now >= code.expiresAt) this.codes.delete(value);
  }
}

function grantKey(userId: string, clientId: string): string {
  return `${userId}\u0000${clientId}`;
}

/** RFC 7636: S256 compares base64url(sha256(verifier)) with the challenge; plain compares them as they are. */
function verifierMatches(verifier: string, challenge: string, method: 'S256' | 'plain' | undefined): boolean {
  const derived = method === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url');
  return derived === challenge;
}
