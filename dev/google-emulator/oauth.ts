import { invalidCredentials, loginRequired, oauthError } from './google-errors';
import { basicCredentials, bearerToken, formFields, json, type Reply } from './http';
import { signIdToken, verifiedIdTokenClaims } from './id-token';
import type { CodeRejection, IssuedToken, OAuthStore } from './oauth-store';
import type { RequestContext } from './request-context';
import { SCOPES } from './scopes';
import type { OAuthClientRegistration } from './types';
import type { UserDirectory } from './users';

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

const CODE_REJECTIONS: Record<CodeRejection, string> = {
  bad_request: 'Bad Request',
  missing_verifier: 'Missing code verifier.',
  invalid_verifier: 'Invalid code verifier.',
};

/**
 * The token endpoint (`POST /token`), revocation (`/revoke`), `/tokeninfo` and userinfo. One per emulator;
 * answers with Google's status codes and error wording.
 */
export class OAuthEndpoints {
  constructor(
    private readonly deps: {
      readonly store: OAuthStore;
      readonly users: UserDirectory;
      readonly now: () => number;
      /** The emulator's URL, for avatar links in userinfo. */
      readonly baseUrl: () => string;
    },
  ) {}

  token(ctx: RequestContext): Reply {
    const form = formFields(ctx.body, ctx.req.headers['content-type']);
    const grantType = form.get('grant_type');
    if (grantType) ctx.meta.grantType = grantType;
    const authenticated = this.authenticateClient(ctx, form);
    if ('reply' in authenticated) return authenticated.reply;
    const { client } = authenticated;
    switch (grantType) {
      case null:
      case '':
        return oauthError(400, 'invalid_request', 'Missing required parameter: grant_type');
      case 'authorization_code':
        return this.exchangeCode(ctx, client, form);
      case 'refresh_token':
        return this.refresh(ctx, client, form);
      default:
        return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`);
    }
  }

  /** Revoking any token of a grant revokes the whole grant (every token of that user and client), like Google. */
  revoke(ctx: RequestContext): Reply {
    const token =
      formFields(ctx.body, ctx.req.headers['content-type']).get('token') ?? ctx.query.get('token');
    if (!token) return oauthError(400, 'invalid_request', 'Missing required parameter: token');
    const revoked = this.deps.store.revokeGrantOf(token);
    if (!revoked) return oauthError(400, 'invalid_token', 'Token expired or revoked');
    this.describe(ctx, revoked);
    return json(200, {});
  }

  /** Google's tokeninfo: `?access_token=` / `?id_token=`, a form body, or a Bearer header (getTokenInfo's way). */
  tokenInfo(ctx: RequestContext): Reply {
    const form = formFields(ctx.body, ctx.req.headers['content-type']);
    const idToken = ctx.query.get('id_token') ?? form.get('id_token');
    if (idToken) return this.idTokenInfo(idToken);
    const value = form.get('access_token') ?? bearerToken(ctx.req, ctx.query);
    if (!value) {
      return oauthError(400, 'invalid_request', 'Either access_token, id_token, or token_handle required');
    }
    const token = this.deps.store.liveAccessToken(value);
    if (!token) return oauthError(400, 'invalid_token', 'Invalid Value');
    this.describe(ctx, token);
    const user = this.deps.users.require(token.grant.userId).user;
    const hasEmail = token.scopes.includes(SCOPES.email);
    return json(200, {
      azp: token.grant.clientId,
      aud: token.grant.clientId,
      sub: user.id,
      scope: token.scopes.join(' '),
      exp: String(Math.floor(token.expiresAt / 1000)),
      expires_in: String(Math.max(0, Math.floor((token.expiresAt - this.deps.now()) / 1000))),
      ...(hasEmail ? { email: user.email, email_verified: 'true' } : {}),
      access_type: token.offline ? 'offline' : 'online',
    });
  }

  /** `/oauth2/v2/userinfo` (v2 field names) and `/oauth2/v3/userinfo` (OpenID Connect names). */
  userInfo(ctx: RequestContext, version: 'v2' | 'v3'): Reply {
    const value = bearerToken(ctx.req, ctx.query);
    if (!value) return loginRequired();
    const token = this.deps.store.liveAccessToken(value);
    if (!token) return invalidCredentials();
    this.describe(ctx, token);
    const claims = this.claims(token);
    if (version === 'v3') {
      return json(200, {
        sub: claims.id,
        ...(claims.profile ?? {}),
        ...(claims.email !== undefined ? { email: claims.email, email_verified: true } : {}),
      });
    }
    return json(200, {
      id: claims.id,
      ...(claims.email !== undefined ? { email: claims.email, verified_email: true } : {}),
      ...(claims.profile ?? {}),
    });
  }

  private idTokenInfo(idToken: string): Reply {
    const claims = verifiedIdTokenClaims(idToken);
    const exp = Number(claims?.['exp']);
    if (!claims || !(exp * 1000 > this.deps.now())) return oauthError(400, 'invalid_token', 'Invalid Value');
    // Google's tokeninfo answers every claim as a string.
    const strings = Object.fromEntries(Object.entries(claims).map(([key, value]) => [key, String(value)]));
    return json(200, { ...strings, alg: 'RS256', typ: 'JWT' });
  }

  private authenticateClient(
    ctx: RequestContext,
    form: URLSearchParams,
  ): { client: OAuthClientRegistration } | { reply: Reply } {
    const basic = basicCredentials(ctx.req);
    const clientId = basic?.id ?? form.get('client_id');
    const secret = basic?.secret ?? form.get('client_secret');
    if (!clientId) {
      return { reply: oauthError(400, 'invalid_request', 'Could not determine client ID from request.') };
    }
    const client = this.deps.store.client(clientId);
    if (!client) return { reply: oauthError(401, 'invalid_client', 'The OAuth client was not found.') };
    ctx.meta.clientId = client.clientId;
    if (!secret) return { reply: oauthError(400, 'invalid_request', 'client_secret is missing.') };
    if (secret !== client.clientSecret) return { reply: oauthError(401, 'invalid_client', 'Unauthorized') };
    return { client };
  }

  private exchangeCode(ctx: RequestContext, client: OAuthClientRegistration, form: URLSearchParams): Reply {
    const code = form.get('code');
    if (!code) return oauthError(400, 'invalid_request', 'Missing required parameter: code');
    const redirectUri = form.get('redirect_uri');
    if (!redirectUri) return oauthError(400, 'invalid_request', 'Missing required parameter: redirect_uri');
    if (!code.startsWith('4/')) return oauthError(400, 'invalid_grant', 'Malformed auth code.');
    const verifier = form.get('code_verifier') ?? undefined;
    const result = this.deps.store.redeemCode(client.clientId, code, redirectUri, verifier);
    if ('rejection' in result) return oauthError(400, 'invalid_grant', CODE_REJECTIONS[result.rejection]);
    const [access, refresh] = result.tokens;
    this.describe(ctx, access!);
    return this.tokenResponse(access!, refresh);
  }

  private refresh(ctx: RequestContext, client: OAuthClientRegistration, form: URLSearchParams): Reply {
    const refreshToken = form.get('refresh_token');
    if (!refreshToken) return oauthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
    const result = this.deps.store.refresh(client.clientId, refreshToken);
    if (!result) return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    // Google's answer to a refresh token of another client: the caller's client is the wrong one.
    if (result === 'other_client') return oauthError(401, 'unauthorized_client', 'Unauthorized');
    this.describe(ctx, result.access);
    return this.tokenResponse(result.access, result.rotated);
  }

  /** Google's order and keys; `refresh_token` is absent (not null) when none is issued. */
  private tokenResponse(access: IssuedToken, refresh: IssuedToken | undefined): Reply {
    const now = this.deps.now();
    const expiresIn = Math.round((access.expiresAt - now) / 1000);
    return json(
      200,
      {
        access_token: access.value,
        expires_in: expiresIn,
        ...(refresh ? { refresh_token: refresh.value } : {}),
        scope: access.scopes.join(' '),
        token_type: 'Bearer',
        ...(access.scopes.includes(SCOPES.openid) ? { id_token: this.idToken(access, now, expiresIn) } : {}),
      },
      NO_STORE,
    );
  }

  private idToken(access: IssuedToken, now: number, expiresIn: number): string {
    const claims = this.claims(access);
    const issuedAt = Math.floor(now / 1000);
    return signIdToken({
      clientId: access.grant.clientId,
      userId: claims.id,
      ...(claims.email !== undefined ? { email: claims.email } : {}),
      ...(claims.profile
        ? {
            name: claims.profile.name,
            givenName: claims.profile.given_name,
            familyName: claims.profile.family_name,
            picture: claims.profile.picture,
          }
        : {}),
      accessToken: access.value,
      issuedAt,
      expiresAt: issuedAt + expiresIn,
    });
  }

  /** What the token's scopes let a client see of the user: email with userinfo.email, names with profile. */
  private claims(token: IssuedToken): {
    id: string;
    email?: string;
    profile?: { name: string; given_name: string; family_name: string; picture: string };
  } {
    const user = this.deps.users.require(token.grant.userId).user;
    const [given = user.name, ...rest] = user.name.split(' ');
    return {
      id: user.id,
      ...(token.scopes.includes(SCOPES.email) ? { email: user.email } : {}),
      ...(token.scopes.includes(SCOPES.profile)
        ? {
            profile: {
              name: user.name,
              given_name: given,
              family_name: rest.join(' '),
              picture: `${this.deps.baseUrl()}/avatar/${user.id}.svg`,
            },
          }
        : {}),
    };
  }

  private describe(ctx: RequestContext, token: IssuedToken): void {
    ctx.meta.userId = token.grant.userId;
    ctx.meta.clientId = token.grant.clientId;
  }
}
