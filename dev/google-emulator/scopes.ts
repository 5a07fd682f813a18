// Scope names and what they allow, as Google treats them.

export const SCOPES = {
  openid: 'openid',
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
  gmailReadonly: 'https://www.googleapis.com/auth/gmail.readonly',
  gmailMetadata: 'https://www.googleapis.com/auth/gmail.metadata',
  gmailModify: 'https://www.googleapis.com/auth/gmail.modify',
  mail: 'https://mail.google.com/',
} as const;

/** Google answers the short aliases with the full URLs in the token response's `scope`. */
const ALIASES: Record<string, string> = { email: SCOPES.email, profile: SCOPES.profile };

export function normalizeScope(scope: string): string {
  return ALIASES[scope] ?? scope;
}

/** Splits a space-separated `scope` parameter, normalizes aliases and drops duplicates, keeping order. */
export function parseScopes(scope: string): string[] {
  return [...new Set(scope.split(/\s+/).filter(Boolean).map(normalizeScope))];
}

/** What Google would accept on a consent URL; anything else is `invalid_scope`. */
export function isKnownScope(scope: string): boolean {
  return (
    scope === SCOPES.openid || scope === SCOPES.mail || scope.startsWith('https://www.googleapis.com/auth/')
  );
}

/** Scopes that read whole messages, `q` included. gmail.metadata reads headers and labels only. */
const GMAIL_FULL_READ = new Set<string>([SCOPES.gmailReadonly, SCOPES.gmailModify, SCOPES.mail]);

export type GmailAccess = 'full' | 'metadata' | 'none';

export function gmailAccess(scopes: readonly string[]): GmailAccess {
  if (scopes.some((s) => GMAIL_FULL_READ.has(s))) return 'full';
  return scopes.includes(SCOPES.gmailMetadata) ? 'metadata' : 'none';
}

/** What the consent page says about each scope. */
export function describeScope(scope: string): string {
  const descriptions: Record<string, string> = {
    [SCOPES.openid]: 'Associate you with your personal info on Google',
    [SCOPES.email]: 'See your primary Google Account email address',
    [SCOPES.profile]: 'See your personal info, including any personal info you’ve made publicly available',
    [SCOPES.gmailReadonly]: 'View your email messages and settings',
    [SCOPES.gmailMetadata]:
      'View your email message metadata such as labels and headers, but not the email body',
    [SCOPES.gmailModify]: 'Read, compose, and send emails from your Gmail account',
    [SCOPES.mail]: 'Read, compose, send, and permanently delete all your email from Gmail',
  };
  return descriptions[scope] ?? scope;
}
