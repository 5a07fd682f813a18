import {
  CodeChallengeMethod,
  OAuth2Client,
  type Credentials,
  type OAuth2ClientOptions,
} from 'google-auth-library';
import { gmail_v1 } from 'googleapis/build/src/apis/gmail';
import { oauth2_v2 } from 'googleapis/build/src/apis/oauth2';
import {
  startGoogleEmulator,
  type EmulatorUser,
  type GoogleEmulator,
  type MessageSummary,
  type OAuthClientRegistration,
} from '../../../dev/google-emulator';
import { followConsent } from '../../support/follow-consent';

// Helpers that use the emulator the way the gateway does: google-auth-library, googleapis and a browser.

export const GMAIL_READONLY = 'https://www.googleapis.com/auth/gmail.readonly';
export const GMAIL_METADATA = 'https://www.googleapis.com/auth/gmail.metadata';
export const EMAIL = 'https://www.googleapis.com/auth/userinfo.email';
export const PROFILE = 'https://www.googleapis.com/auth/userinfo.profile';
/** What the gateway asks for. */
export const GATEWAY_SCOPES = [GMAIL_READONLY, 'openid', EMAIL, PROFILE];

/**
 * gaxios 8 loads node-fetch with a dynamic `import()` unless given a fetch, and Jest (CommonJS, without
 * --experimental-vm-modules) cannot run dynamic imports: hand it Node's own fetch.
 */
export const TRANSPORTER_OPTIONS = { fetchImplementation: fetch };

export function oauthClient(
  emulator: GoogleEmulator,
  client: OAuthClientRegistration = emulator.defaultClient,
  options: Partial<OAuth2ClientOptions> = {},
): OAuth2Client {
  return new OAuth2Client({
    transporterOptions: TRANSPORTER_OPTIONS,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    redirectUri: client.redirectUris[0],
    endpoints: {
      oauth2AuthBaseUrl: emulator.endpoints.authUrl,
      oauth2TokenUrl: emulator.endpoints.tokenUrl,
      oauth2RevokeUrl: emulator.endpoints.revokeUrl,
      tokenInfoUrl: emulator.endpoints.tokenInfoUrl,
      oauth2FederatedSignonPemCertsUrl: `${emulator.url}/oauth2/v1/certs`,
    },
    ...options,
  });
}

export function gmail(emulator: GoogleEmulator, auth: OAuth2Client): gmail_v1.Gmail {
  return new gmail_v1.Gmail({ auth, rootUrl: emulator.endpoints.apiRootUrl });
}

export function userinfo(emulator: GoogleEmulator, auth: OAuth2Client): oauth2_v2.Oauth2 {
  return new oauth2_v2.Oauth2({ auth, rootUrl: emulator.endpoints.apiRootUrl });
}

export { followConsent } from '../../support/follow-consent';

export interface ConsentOptions {
  scope?: string[];
  loginHint?: string;
  prompt?: string;
  accessType?: 'online' | 'offline';
  includeGrantedScopes?: boolean;
  state?: string;
}

/** Consent with PKCE S256 and offline access unless told otherwise; returns the redirect and the verifier. */
export async function authorize(
  client: OAuth2Client,
  options: ConsentOptions = {},
): Promise<{ redirect: URL; code: string; codeVerifier: string }> {
  const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
  const url = client.generateAuthUrl({
    scope: options.scope ?? GATEWAY_SCOPES,
    access_type: options.accessType ?? 'offline',
    code_challenge: codeChallenge,
    code_challenge_method: CodeChallengeMethod.S256,
    state: options.state ?? 'state-123',
    ...(options.loginHint !== undefined ? { login_hint: options.loginHint } : {}),
    ...(options.prompt !== undefined ? { prompt: options.prompt } : {}),
    ...(options.includeGrantedScopes ? { include_granted_scopes: true } : {}),
  });
  const redirect = await followConsent(url);
  return { redirect, code: redirect.searchParams.get('code') ?? '', codeVerifier: codeVerifier! };
}

/** The whole flow: consent, then exchange the code; the client ends up holding the tokens. */
export async function signIn(client: OAuth2Client, options: ConsentOptions = {}): Promise<Credentials> {
  const { code, codeVerifier } = await authorize(client, options);
  const { tokens } = await client.getToken({ code, codeVerifier });
  client.setCredentials(tokens);
  return tokens;
}

/** A failed Google call as a client sees it: status and parsed body (GaxiosError's shape, no instanceof). */
export async function failure(
  promise: Promise<unknown>,
): Promise<{ status: number | undefined; data: unknown; url: string }> {
  try {
    await promise;
  } catch (error: unknown) {
    const e = error as {
      status?: number;
      response?: { status?: number; data?: unknown };
      config?: { url?: unknown };
    };
    return {
      status: e.response?.status ?? e.status,
      data: e.response?.data,
      url: String(e.config?.url ?? ''),
    };
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** The `reason` of a Google API error body. */
export function reasonOf(data: unknown): string | undefined {
  const body = data as { error?: { errors?: Array<{ reason?: string }> } };
  return body.error?.errors?.[0]?.reason;
}

let userCount = 0;

/** A user who never consented to anything yet: the next offline consent gets a refresh token. */
export function freshUser(emulator: GoogleEmulator, messages?: number): EmulatorUser {
  userCount += 1;
  return emulator.addUser({
    email: `user-${userCount}@example.com`,
    ...(messages !== undefined ? { messages } : {}),
  });
}

/** An emulator with the demo user signed in for gmail.readonly: its Gmail API and its messages. */
export async function startDemoReader(): Promise<{
  emulator: GoogleEmulator;
  api: gmail_v1.Gmail;
  demo: readonly MessageSummary[];
}> {
  const emulator = await startGoogleEmulator();
  const client = oauthClient(emulator);
  await signIn(client, { scope: [GMAIL_READONLY] });
  return { emulator, api: gmail(emulator, client), demo: emulator.messagesOf(emulator.demoUser.email) };
}
