// The scopes the gateway asks Google for, and the one rule GOOGLE_SCOPES must follow (src/auth/scopes.ts).

import { hasGmailReadScope } from '../auth/scopes';

/** The Gmail read scope and the identity scopes the gateway needs to know whose mailbox it holds. */
export const GMAIL_READONLY_SCOPE = 'https://www.googleapis.com/auth/gmail.readonly';
export const DEFAULT_SCOPES: readonly string[] = [
  GMAIL_READONLY_SCOPE,
  'openid',
  'https://www.googleapis.com/auth/userinfo.email',
  'https://www.googleapis.com/auth/userinfo.profile',
];

/** GOOGLE_SCOPES (space-separated) or the defaults; without Gmail read access the gateway is of no use. */
export function parseScopes(raw: string | undefined, problems: string[]): string[] {
  const scopes = raw?.split(/\s+/) ?? [...DEFAULT_SCOPES];
  if (!hasGmailReadScope(scopes)) {
    problems.push(`GOOGLE_SCOPES must include ${GMAIL_READONLY_SCOPE}`);
  }
  return scopes;
}
