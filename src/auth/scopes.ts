// Scope checks on what Google says it granted (the token response's `scope`).

const GMAIL_READ_SCOPES = new Set([
  'https://www.googleapis.com/auth/gmail.readonly',
  'https://www.googleapis.com/auth/gmail.modify',
  'https://mail.google.com/',
]);
const EMAIL_SCOPES = new Set(['https://www.googleapis.com/auth/userinfo.email', 'email']);

/** Scopes that allow `messages.list` with `q` and `messages.get` (gmail.metadata does not allow `q`). */
export function hasGmailReadScope(scopes: readonly string[]): boolean {
  return scopes.some((scope) => GMAIL_READ_SCOPES.has(scope));
}

/** Needed to read the account's e-mail address, which is the `login_hint` of every later consent URL. */
export function hasEmailScope(scopes: readonly string[]): boolean {
  return scopes.some((scope) => EMAIL_SCOPES.has(scope));
}
