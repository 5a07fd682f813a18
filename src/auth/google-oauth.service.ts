import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import { oauth2_v2 } from 'googleapis/build/src/apis/oauth2';
import type { GoogleConfig } from '../config';
import { classifyGoogleError, type GoogleErrorKind } from '../upstream/google-errors';

// The gateway's only door to Google's OAuth 2.0 endpoints (consent URL, code exchange, userinfo, revoke).
// Created once per process. googleapis is imported per API: the root module loads every Google API (~1.4 s,
// +100 MB) where the gateway needs two.

/** A revocation is one small POST; past this, Google counts as unavailable (the caller decides what that means). */
const REVOKE_TIMEOUT_MS = 10_000;

export interface ExchangedTokens {
  readonly accessToken: string;
  /** Absent when Google sent none (a returning user who was not asked for consent again). */
  readonly refreshToken: string | null;
  readonly accessTokenExpiresAt: Date | null;
  readonly scopes: readonly string[];
}

export interface GoogleIdentity {
  readonly id: string;
  readonly email: string;
}

export type CodeExchangeOutcome =
  | { readonly ok: true; readonly tokens: ExchangedTokens }
  /** What Google said instead of tokens; the caller translates it (see upstreamError). */
  | { readonly ok: false; readonly error: GoogleErrorKind };

/**
 * What Google shows before it redirects back: `consent` the consent screen (so that it issues a refresh token
 * again), `select_account` the account chooser (so that the user can connect another account).
 */
export type ConsentPrompt = 'consent' | 'select_account';

export interface ConsentUrlOptions {
  readonly state: string;
  readonly codeChallenge: string;
  readonly loginHint: string | null;
  /** null: no `prompt`, Google decides (no screen at all for a returning user who granted everything). */
  readonly prompt: ConsentPrompt | null;
}

export class GoogleOAuthService {
  /** Used only to generate URLs and PKCE pairs, exchange codes and revoke: no per-user token state. */
  private readonly appClient: OAuth2Client;

  constructor(
    private readonly config: GoogleConfig,
    private readonly options: {
      /** Timeout of every call to Google through these clients (token, revoke, userinfo, Gmail), e.g. 10000. */
      readonly timeoutMs: number;
    },
  ) {
    this.appClient = this.createClient();
  }

  /**
   * A new OAuth2Client for this OAuth app. One per user holds that user's tokens (see OAuthClientPool): the
   * library then refreshes them and de-duplicates concurrent refreshes of the same client.
   */
  createClient(): OAuth2Client {
    return new OAuth2Client({
      clientId: this.config.clientId,
      clientSecret: this.config.clientSecret,
      redirectUri: this.config.redirectUri,
      endpoints: {
        oauth2AuthBaseUrl: this.config.authUrl,
        oauth2TokenUrl: this.config.tokenUrl,
        oauth2RevokeUrl: this.config.revokeUrl,
      },
      // The defaults of every request the client's transporter makes: refreshes, code exchanges, revokes, and
      // the API calls authorized through it. A call past it fails with gaxios's TimeoutError (unavailable).
      transporterOptions: { timeout: this.options.timeoutMs },
    });
  }

  consentUrl(options: ConsentUrlOptions): string {
    return this.appClient.generateAuthUrl({
      access_type: 'offline',
      include_granted_scopes: true,
      response_type: 'code',
      scope: [...this.config.scopes],
      state: options.state,
      code_challenge: options.codeChallenge,
      code_challenge_method: CodeChallengeMethod.S256,
      ...(options.loginHint === null ? {} : { login_hint: options.loginHint }),
      ...(options.prompt === null ? {} : { prompt: options.prompt }),
    });
  }

  /** Exchanges a one-time code. Never throws for Google's answers: the caller decides what each one means. */
  async exchangeCode(code: string, codeVerifier: string): Promise<CodeExchangeOutcome> {
    try {
      const { tokens, res } = await this.appClient.getToken({ code, codeVerifier });
      // An answer without an access token is a refusal of this code, like a 4xx.
      if (!tokens.access_token) return { ok: false, error: { kind: 'client', status: res?.status ?? 200 } };
      return {
        ok: true,
        tokens: {
          accessToken: tokens.access_token,
          refreshToken: tokens.refresh_token ?? null,
          accessTokenExpiresAt: tokens.expiry_date ? new Date(tokens.expiry_date) : null,
          scopes: tokens.scope?.split(/\s+/).filter((s) => s !== '') ?? [],
        },
      };
    } catch (error) {
      return { ok: false, error: classifyGoogleError(error) };
    }
  }

  /** Reads the Google account id and e-mail behind an access token (OAuth2 v2 userinfo). */
  async fetchIdentity(accessToken: string): Promise<GoogleIdentity> {
    const auth = this.createClient();
    auth.setCredentials({ access_token: accessToken });
    const api = new oauth2_v2.Oauth2({ auth, ...this.rootUrlOption() });
    const { data } = await api.userinfo.get();
    if (!data.id || !data.email) throw new Error('Google userinfo returned no id or e-mail');
    return { id: data.id, email: data.email };
  }

  /**
   * Revokes the grant behind a token (refresh or access) at Google. The token goes in a form body:
   * google-auth-library's `revokeToken` puts it in the URL's query string, and proxies and gateways log URLs.
   * Through the app client's transporter, so failures are GaxiosErrors that classifyGoogleError reads.
   */
  async revoke(token: string): Promise<void> {
    await this.appClient.transporter.request({
      url: this.config.revokeUrl,
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      data: new URLSearchParams({ token }).toString(),
      timeout: REVOKE_TIMEOUT_MS,
      retry: false,
    });
  }

  rootUrlOption(): { rootUrl?: string } {
    return this.config.apiRootUrl === undefined ? {} : { rootUrl: this.config.apiRootUrl };
  }
}
