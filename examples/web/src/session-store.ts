/**
 * What the client remembers between page loads, in sessionStorage.
 *
 * Why sessionStorage: it is scoped to this origin and this tab, survives the round trip through Google's
 * consent page (a full navigation away and back), and is gone when the tab closes, so a session token does not
 * outlive the browsing session. Unlike a cookie it is never attached to requests automatically, so no
 * cross-site request can ride on it (no CSRF). Like any script-readable storage it is exposed to XSS: the
 * client never renders mail as HTML, and the page's Content-Security-Policy allows only same-origin scripts.
 */
const SESSION_TOKEN = 'gmail-gateway.sessionToken';
const PENDING_STATE = 'gmail-gateway.pendingState';

export function sessionToken(): string | null {
  return sessionStorage.getItem(SESSION_TOKEN);
}

export function saveSessionToken(token: string): void {
  sessionStorage.setItem(SESSION_TOKEN, token);
}

export function forgetSessionToken(): void {
  sessionStorage.removeItem(SESSION_TOKEN);
}

/** Remembers the one-time `state` of a consent URL, so the callback page can tell its own sign-in apart. */
export function rememberPendingState(state: string): void {
  sessionStorage.setItem(PENDING_STATE, state);
}

/** Same as rememberPendingState, reading the state from a consent URL (e.g. `extensions.authorizationUrl`). */
export function rememberStateOf(authorizationUrl: string): void {
  const state = new URL(authorizationUrl).searchParams.get('state');
  if (state !== null) rememberPendingState(state);
}

/** The pending state, removed: a state is good for one callback only. */
export function takePendingState(): string | null {
  const state = sessionStorage.getItem(PENDING_STATE);
  sessionStorage.removeItem(PENDING_STATE);
  return state;
}
