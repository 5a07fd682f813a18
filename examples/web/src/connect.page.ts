import type { Page } from './app';
import { h } from './dom';
import { errorContent } from './error-banner';
import { gatewayErrorOf } from './gateway-error';
import { AuthorizationUrlDocument } from './generated/graphql';
import { rememberPendingSignIn } from './session-store';

/** Signed out: one button that starts Google's consent flow. */
export const connectPage: Page = ({ client, root }) => {
  const alert = h('div', { class: 'alert', role: 'alert', 'data-testid': 'connect-error' });
  const button = h(
    'button',
    { type: 'button', class: 'primary', 'data-testid': 'connect-button' },
    'Connect Gmail',
  );

  button.addEventListener('click', async () => {
    button.disabled = true;
    alert.replaceChildren();
    try {
      // A fresh consent URL (one-time state and request secret) per click: never from the cache.
      const { data } = await client.query({ query: AuthorizationUrlDocument, fetchPolicy: 'no-cache' });
      if (data === undefined) throw new Error('The gateway returned no consent URL.');
      const { state, requestSecret } = data.authorizationUrl;
      rememberPendingSignIn({ state, requestSecret });
      window.location.assign(data.authorizationUrl.url);
    } catch (error) {
      alert.replaceChildren(...errorContent(gatewayErrorOf(error)));
      button.disabled = false;
    }
  });

  root.append(
    h(
      'section',
      { class: 'card narrow', 'aria-labelledby': 'page-title', 'data-testid': 'connect-page' },
      h('h1', { id: 'page-title', tabindex: '-1' }, 'Read your Gmail through GraphQL'),
      h(
        'p',
        {},
        'Connect your Google account to list your messages. Google asks you to allow read-only access to Gmail; ' +
          'the gateway keeps the Google tokens on the server and gives this page only a session.',
      ),
      button,
      alert,
    ),
  );
  return () => {};
};
