import type { GoogleClientConfig } from '../src/config';
import type { GoogleEmulator, OAuthClientRegistration } from './google-emulator';

/**
 * The Google OAuth client configuration that points the gateway at an emulator: the client registered with it
 * (its first redirect URI is the one the gateway uses) and the emulator's endpoints. Local mode, the test
 * harness and the benchmark build theirs here.
 */
export function emulatorGoogleClient(
  endpoints: Pick<GoogleEmulator['endpoints'], 'authUrl' | 'tokenUrl' | 'revokeUrl' | 'apiRootUrl'>,
  client: OAuthClientRegistration,
): GoogleClientConfig {
  const redirectUri = client.redirectUris[0];
  if (redirectUri === undefined) throw new Error(`client ${client.clientId} has no redirect URI`);
  return {
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    redirectUri,
    authUrl: endpoints.authUrl,
    tokenUrl: endpoints.tokenUrl,
    revokeUrl: endpoints.revokeUrl,
    apiRootUrl: endpoints.apiRootUrl,
  };
}

/** The GOOGLE_* variables that make `loadConfig` read back this client, e.g. in a production-mode process. */
export function googleClientEnv(google: GoogleClientConfig): Record<string, string> {
  return {
    GOOGLE_CLIENT_ID: google.clientId,
    GOOGLE_CLIENT_SECRET: google.clientSecret,
    GOOGLE_REDIRECT_URI: google.redirectUri,
    GOOGLE_AUTH_URL: google.authUrl,
    GOOGLE_TOKEN_URL: google.tokenUrl,
    GOOGLE_REVOKE_URL: google.revokeUrl,
    ...(google.apiRootUrl === undefined ? {} : { GOOGLE_API_ROOT_URL: google.apiRootUrl }),
  };
}
