// The Google OAuth client GOOGLE_* configures, from their values: all of it, or none (local mode).

import { parseHttpUrl } from './config-values';
import type { GoogleClientConfig } from './gateway-config';
import { GOOGLE_ENDPOINTS, type GoogleEndpointVariable } from './google-endpoints';

/**
 * The configured client, or null when neither id nor secret is set (local mode). `redirectUri` is
 * GOOGLE_REDIRECT_URI already checked as a URL; the endpoint URLs are checked only for a complete client.
 */
export function parseGoogleClient(
  input: {
    readonly production: boolean;
    readonly clientId: string | undefined;
    readonly clientSecret: string | undefined;
    readonly redirectUri: string | undefined;
    readonly endpoints: Readonly<Record<GoogleEndpointVariable, string | undefined>>;
  },
  problems: string[],
): GoogleClientConfig | null {
  const { clientId, clientSecret, redirectUri, endpoints } = input;
  if (clientId === undefined && clientSecret === undefined) return null;
  // A half-configured client is a mistake in any mode: falling back to local mode would hide it.
  const missing = [
    ['GOOGLE_CLIENT_ID', clientId],
    ['GOOGLE_CLIENT_SECRET', clientSecret],
    ['GOOGLE_REDIRECT_URI', redirectUri],
  ]
    .filter(([, v]) => v === undefined)
    .map(([name]) => name);
  // Production has already named every missing variable it requires.
  if (missing.length > 0 && !input.production) {
    problems.push(`a Google OAuth client needs ${missing.join(', ')} as well`);
  }
  if (clientId === undefined || clientSecret === undefined || redirectUri === undefined) return null;
  const url = (name: GoogleEndpointVariable) => parseHttpUrl(name, endpoints[name], problems);
  return {
    clientId,
    clientSecret,
    redirectUri,
    authUrl: url('GOOGLE_AUTH_URL') ?? GOOGLE_ENDPOINTS.authUrl,
    tokenUrl: url('GOOGLE_TOKEN_URL') ?? GOOGLE_ENDPOINTS.tokenUrl,
    revokeUrl: url('GOOGLE_REVOKE_URL') ?? GOOGLE_ENDPOINTS.revokeUrl,
    apiRootUrl: url('GOOGLE_API_ROOT_URL'),
  };
}
