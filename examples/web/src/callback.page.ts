import type { Page } from './app';
import { h } from './dom';
import { errorContent } from './error-banner';
import { gatewayErrorOf } from './gateway-error';
import { ExchangeCodeDocument } from './generated/graphql';
import { saveSessionToken, takePendingSignIn } from './session-store';

/**
 * `/callback`: Google sends the browser here with `code` and `state` (or `error`). The state must be the one
 * this tab stored before leaving; anything else is not our sign-in (a forged or replayed link), so it is not
 * exchanged. The request secret stored beside it goes to `exchangeCode`: without it the gateway refuses the
 * state, whoever else holds this URL.
 */
export const callbackPage: Page = ({ client, root, navigate }) => {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('code');
  const state = params.get('state');
  const denied = params.get('error');
  const pending = takePendingSignIn();
  const ours = code !== null && state !== null && pending !== null && state === pending.state;
  // A code this tab exchanges is single-use and must not stay in the address bar, the history or a bookmark.
  // One it did not start is left where it is: someone signing in with curl or Apollo Sandbox copies it from there.
  if (ours || denied !== null) window.history.replaceState(null, '', '/callback');

  const title = h('h1', { id: 'page-title', tabindex: '-1' }, 'Signing in…');
  const body = h(
    'div',
    { role: 'status', 'data-testid': 'callback-status' },
    h('p', {}, 'Finishing sign-in with Google…'),
  );
  root.append(
    h(
      'section',
      { class: 'card narrow', 'aria-labelledby': 'page-title', 'data-testid': 'callback-page' },
      title,
      body,
    ),
  );

  const startAgain = () =>
    h('p', {}, h('a', { href: '/', 'data-testid': 'start-again-link' }, 'Back to the start page'));
  const fail = (message: string | Node[]) => {
    title.textContent = 'Sign-in did not complete';
    body.setAttribute('role', 'alert');
    body.dataset['testid'] = 'callback-error';
    body.replaceChildren(...(typeof message === 'string' ? [h('p', {}, message)] : message), startAgain());
  };

  if (denied !== null) {
    fail(denied === 'access_denied' ? 'You cancelled the sign-in at Google.' : `Google answered: ${denied}.`);
  } else if (code === null || state === null) {
    fail('This page expects a sign-in response from Google, and this is not one.');
  } else if (!ours || pending === null) {
    fail([
      h(
        'p',
        {},
        'This sign-in response does not match a sign-in started in this tab, so it was not used. If you ' +
          'started it with curl or Apollo Sandbox, exchange these (decoded: the address bar holds them ' +
          'URL-encoded), with the requestSecret authorizationUrl gave you, with exchangeCode there; otherwise ' +
          'start again here.',
      ),
      h(
        'dl',
        {},
        h('dt', {}, 'code'),
        h('dd', {}, h('code', { 'data-testid': 'foreign-code' }, code)),
        h('dt', {}, 'state'),
        h('dd', {}, h('code', { 'data-testid': 'foreign-state' }, state)),
      ),
      h(
        'p',
        {},
        'Or paste this into a terminal, with REQUEST_SECRET set to the requestSecret authorizationUrl gave ' +
          'you (the code works once and expires in minutes):',
      ),
      h(
        'pre',
        { 'data-testid': 'exchange-curl' },
        exchangeCodeCurl(`${window.location.origin}/graphql`, code, state),
      ),
    ]);
  } else {
    client
      .mutate({
        mutation: ExchangeCodeDocument,
        variables: { code, state, requestSecret: pending.requestSecret },
      })
      .then(async ({ data }) => {
        if (data === undefined || data === null) throw new Error('The gateway returned no session.');
        saveSessionToken(data.exchangeCode.sessionToken);
        // Nothing cached under a previous session may show up under this one.
        await client.clearStore();
        navigate('/', { replace: true });
      })
      .catch((error: unknown) => fail(errorContent(gatewayErrorOf(error))));
  }
  return () => {};
};

/**
 * A shell command posting `exchangeCode` to the gateway, every value quoted for a POSIX shell. The request secret
 * is not in this page (it never travels in a URL): the command reads it from `$REQUEST_SECRET`.
 */
function exchangeCodeCurl(graphqlUrl: string, code: string, state: string): string {
  const body = JSON.stringify({
    query:
      'mutation SignIn($code: String!, $state: String!, $requestSecret: String!) { exchangeCode(code: $code, state: $state, requestSecret: $requestSecret) { sessionToken viewer { email } } }',
    variables: { code, state, requestSecret: SECRET_SLOT },
  });
  const quoted = shellQuote(body).replace(JSON.stringify(SECRET_SLOT), `"'"$REQUEST_SECRET"'"`);
  return `curl -s ${shellQuote(graphqlUrl)} -H 'content-type: application/json' \\\n  -d ${quoted}`;
}

const SECRET_SLOT = '\u0000requestSecret\u0000';

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
