// Where Google's OAuth endpoints are by default, and the rule for where production may send tokens instead.

import { checkBoolean } from './config-values';

export const GOOGLE_ENDPOINTS = {
  authUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  revokeUrl: 'https://oauth2.googleapis.com/revoke',
} as const;

/** Where Google's OAuth and API endpoints live; production accepts no other host without the override. */
const GOOGLE_HOST = /^(accounts\.google\.com|[a-z0-9-]+\.googleapis\.com)$/;

/** The variables that move an endpoint, and so where tokens, codes and the client secret are sent. */
export const GOOGLE_ENDPOINT_VARIABLES = [
  'GOOGLE_AUTH_URL',
  'GOOGLE_TOKEN_URL',
  'GOOGLE_REVOKE_URL',
  'GOOGLE_API_ROOT_URL',
] as const;

export type GoogleEndpointVariable = (typeof GOOGLE_ENDPOINT_VARIABLES)[number];

/**
 * Records a problem for every endpoint production would send secrets to outside Google or without TLS, unless
 * ALLOW_INSECURE_GOOGLE_ENDPOINTS is `true` (an emulator). Values that are not URLs are left to the URL check.
 */
export function checkGoogleEndpoints(
  input: {
    readonly production: boolean;
    readonly allowInsecure: string | undefined;
    readonly endpoints: Readonly<Record<GoogleEndpointVariable, string | undefined>>;
  },
  problems: string[],
): void {
  checkBoolean('ALLOW_INSECURE_GOOGLE_ENDPOINTS', input.allowInsecure, problems);
  if (!input.production || input.allowInsecure === 'true') return;
  // Tokens, codes and the client secret travel to these URLs: in production only to Google, only over TLS.
  for (const name of GOOGLE_ENDPOINT_VARIABLES) {
    const raw = input.endpoints[name];
    if (raw === undefined || !URL.canParse(raw)) continue;
    const parsed = new URL(raw);
    if (parsed.protocol !== 'https:' || !GOOGLE_HOST.test(parsed.hostname)) {
      problems.push(
        `${name} must be an https URL on accounts.google.com or *.googleapis.com in production, got "${raw}" ` +
          '(ALLOW_INSECURE_GOOGLE_ENDPOINTS=true allows an emulator)',
      );
    }
  }
}
