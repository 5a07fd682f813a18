import { h } from './dom';
import type { GatewayError } from './gateway-error';
import { rememberSignInOf } from './session-store';

/**
 * The gateway's error rule, as a user sees it: a readable message, and when the error carries
 * `extensions.authorizationUrl`, a "Reconnect" link straight to that consent URL. With `retry`, errors that pass
 * by themselves (RATE_LIMITED, UPSTREAM_UNAVAILABLE) get a "Try again" button; on RATE_LIMITED it counts down
 * `extensions.retryAfterSeconds` first, since an earlier try would only be refused again.
 */
export function errorContent(error: GatewayError, options: { retry?: () => void } = {}): Node[] {
  const nodes: Node[] = [h('p', {}, describe(error))];
  if (error.authorizationUrl !== undefined && error.requestSecret !== undefined) {
    nodes.push(reconnectLink(error.authorizationUrl, error.requestSecret));
  }
  const transient = error.code === 'RATE_LIMITED' || error.code === 'UPSTREAM_UNAVAILABLE';
  if (options.retry !== undefined && transient) {
    nodes.push(tryAgainButton(options.retry, error.code === 'RATE_LIMITED' ? error.retryAfterSeconds : 0));
  }
  return nodes;
}

function tryAgainButton(retry: () => void, waitSeconds = 0): HTMLButtonElement {
  const button = h('button', { type: 'button', 'data-testid': 'try-again-button' }, 'Try again');
  const readyAt = Date.now() + Math.ceil(waitSeconds) * 1000;
  let shown = false;
  const tick = () => {
    const left = Math.ceil((readyAt - Date.now()) / 1000);
    button.disabled = left > 0;
    button.textContent = left > 0 ? `Try again in ${left} s` : 'Try again';
    shown ||= button.isConnected;
    // Stops once the button is ready, or gone (its banner was replaced).
    if (left > 0 && (button.isConnected || !shown)) {
      window.setTimeout(tick, Math.min(1000, readyAt - Date.now()));
    }
  };
  tick();
  button.addEventListener('click', () => {
    button.disabled = true;
    retry();
  });
  return button;
}

function describe(error: GatewayError): string {
  switch (error.code) {
    case 'UNAUTHENTICATED':
      return 'Your session has ended. Reconnect your Gmail account to continue.';
    case 'CREDENTIALS_REVOKED':
    case 'NO_REFRESH_TOKEN':
      return 'Google no longer lets this app read your mail (access was revoked or has expired). Reconnect to continue.';
    case 'INSUFFICIENT_SCOPE':
      return 'Read access to Gmail was not granted. Reconnect and leave the Gmail permission ticked.';
    case 'GMAIL_NOT_ENABLED':
      return 'This Google account has no Gmail mailbox. Connect another account to continue.';
    case 'INVALID_STATE':
    case 'CODE_EXCHANGE_FAILED':
      return 'This sign-in has expired or was already used. Start again.';
    case 'RATE_LIMITED':
      return error.retryAfterSeconds === undefined
        ? 'Gmail is busy right now. Try again in a moment.'
        : `Gmail asks to wait ${Math.ceil(error.retryAfterSeconds)} s before the next try.`;
    case 'UPSTREAM_UNAVAILABLE':
      return 'Gmail cannot be reached right now. Try again in a moment.';
    default:
      return error.message;
  }
}

function reconnectLink(url: string, requestSecret: string): HTMLAnchorElement {
  const link = h('a', { href: url, class: 'button primary', 'data-testid': 'reconnect-link' }, 'Reconnect');
  // The callback page only accepts the state of a sign-in this tab started: remember the one in this URL, and
  // its secret, before the browser follows it (a middle click opens a tab that starts with a copy of
  // sessionStorage).
  const remember = () => rememberSignInOf(url, requestSecret);
  link.addEventListener('click', remember);
  link.addEventListener('auxclick', remember);
  return link;
}
