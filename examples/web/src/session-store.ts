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
const PENDING_SIGN_IN = 'gmail-gateway.pendingSignIn';

/**
 * A sign-in this tab started: the one-time `state` in the consent URL and the `requestSecret` that came with
 * it. The secret never goes into a URL; the gateway refuses the state without it, so a leaked callback URL is
 * useless to anyone but this tab.
 */
export interface PendingSignIn {
  readonly state: string;
  readonly requestSecret: string;
}

export function sessionToken(): string | null {
  return sessionStorage.getItem(SESSION_TOKEN);
}

export function saveSessionToken(token: string): void {
  sessionStorage.setItem(SESSION_TOKEN, token);
}

export function forgetSessionToken(): void {
  sessionStorage.removeItem(SESSION_TOKEN);
}

/** Remembers a sign-in this tab starts, so the callback page can tell it apart and finish it. */
export function rememberPendingSignIn(signIn: PendingSignIn): void {
  sessionStorage.setItem(PENDING_SIGN_IN, JSON.stringify(signIn));
}

/**
 * Same as rememberPendingSignIn, reading the state from a consent URL (e.g. `extensions.authorizationUrl`, with
 * the error's `extensions.requestSecret`).
 */
export function rememberSignInOf(authorizationUrl: string, requestSecret: string): void {
  const state = new URL(authorizationUrl).searchParams.get('state');
  if (state !== null) rememberPendingSignIn({ state, requestSecret });
}

/** The pending sign-in, removed: a state is good for one callback only. */
export function takePendingSignIn(): PendingSignIn | null {
  const stored = sessionStorage.getItem(PENDING_SIGN_IN);
  sessionStorage.removeItem(PENDING_SIGN_IN);
  if (stored === null) return null;
  try {
    const parsed = JSON.parse(stored) as Partial<PendingSignIn> | null;
    return typeof parsed?.state === 'string' && typeof parsed.requestSecret === 'string'
      ? { state: parsed.state, requestSecret: parsed.requestSecret }
      : null;
  } catch {
    return null;
  }
}
