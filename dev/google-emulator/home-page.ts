import { escapeHtml } from './escape';
import { GOOGLE_FAULTS } from './google-faults';
import { html, type Reply } from './http';
import { pageLayout } from './page-layout';
import { ENDPOINT_NAMES, type EmulatorUser, type GoogleEmulator } from './types';

/** `GET /` and `GET /__emulator`: where a person finds the endpoints, the accounts and the controls. */
export function renderHomePage(
  emulator: GoogleEmulator,
  mailboxSizes: ReadonlyMap<string, number>,
  done?: string,
): Reply {
  const e = escapeHtml;
  const endpoints = Object.entries(emulator.endpoints)
    .map(([name, url]) => `<tr><th>${e(name)}</th><td><code>${e(url)}</code></td></tr>`)
    .join('\n');
  const client = emulator.defaultClient;
  const users = emulator.users
    .map((user: EmulatorUser) => {
      const usage = emulator.usage(user.id);
      const budget = `${usage.spentUnits} / ${usage.unitsPerMinute ?? 'no limit'}`;
      return `<tr><td>${e(user.name)}</td><td><code>${e(user.email)}</code></td><td>${mailboxSizes.get(user.id) ?? 0}</td><td>${e(budget)}</td><td>${usage.peakInFlight}</td></tr>`;
    })
    .join('\n');
  const userOptions = emulator.users
    .map((u) => `<option value="${e(u.email)}">${e(u.email)}</option>`)
    .join('');
  const kindOptions = Object.keys(GOOGLE_FAULTS)
    .map((name) => `<option>${e(name)}</option>`)
    .join('');
  const endpointOptions = ENDPOINT_NAMES.map((name) => `<option>${e(name)}</option>`).join('');
  const content = `<h1>Google emulator</h1>
${done ? `<p class="notice">Done: ${e(done)}</p>` : ''}
<h2>Endpoints</h2>
<table>${endpoints}</table>
<h2>Default OAuth client</h2>
<table>
<tr><th>client_id</th><td><code>${e(client.clientId)}</code></td></tr>
<tr><th>client_secret</th><td><code>${e(client.clientSecret)}</code></td></tr>
<tr><th>redirect_uris</th><td><code>${client.redirectUris.map(e).join('<br>')}</code></td></tr>
</table>
<h2>Accounts</h2>
<table><tr><th>Name</th><th>E-mail</th><th>Messages</th><th>Quota units this minute</th><th>Peak Gmail calls at once</th></tr>${users}</table>
<h2>Controls</h2>
<form class="inline" method="post" action="/__emulator/revoke">
<select name="email">${userOptions}</select><button type="submit">Revoke the app's access</button>
</form>
<form class="inline" method="post" action="/__emulator/expire-access-tokens">
<button type="submit">Expire every access token</button>
</form>
<form class="inline" method="post" action="/__emulator/faults">
<select name="endpoint">${endpointOptions}</select>
<select name="status"><option>429</option><option>403</option><option>500</option><option>503</option></select>
<input type="number" name="times" value="1" min="1" aria-label="times">
<button type="submit">Inject a fault</button>
</form>
<form class="inline" method="post" action="/__emulator/faults">
<select name="endpoint">${endpointOptions}</select>
<select name="kind">${kindOptions}</select>
<input type="number" name="times" value="1" min="1" aria-label="times">
<button type="submit">Arm a Google failure</button>
</form>
<form class="inline" method="post" action="/__emulator/faults/clear">
<button type="submit">Clear faults and latency</button>
</form>
<p class="muted">The same controls as JSON: <code>POST /__emulator/revoke</code>, <code>POST /__emulator/expire-access-tokens</code>,
<code>POST /__emulator/faults</code>, <code>DELETE /__emulator/faults</code>, <code>POST /__emulator/latency</code>,
<code>POST /__emulator/next-consent</code>, <code>POST /__emulator/users</code>, <code>GET /__emulator/requests</code>,
<code>GET /__emulator/usage</code>, <code>POST /__emulator/quota</code>, <code>POST /__emulator/concurrency</code>.</p>`;
  return html(200, pageLayout('Home', content));
}

/**
 * The default client's redirect target: shows what Google sent back (decoded: the address bar holds `code`
 * URL-encoded) and the curl command that exchanges the code, for a person walking through the flow by hand:
 * the gateway's `exchangeCode` when the emulator stands in for one, else the token endpoint itself.
 */
export function renderCallbackEcho(
  query: URLSearchParams,
  tokenUrl: string,
  redirectUri: string,
  client: { clientId: string; clientSecret: string },
  gatewayUrl?: string,
): Reply {
  const e = escapeHtml;
  const error = query.get('error');
  if (error !== null) {
    const content = `<h1>The authorization failed</h1>
<p class="error"><strong>${e(error)}</strong> ${e(query.get('error_description') ?? '')}</p>
<p>state: <code>${e(query.get('state') ?? '(none)')}</code></p>`;
    return html(200, pageLayout('Authorization failed', content));
  }
  const code = query.get('code') ?? '';
  const state = query.get('state') ?? '';
  if (gatewayUrl !== undefined) {
    const content = `<h1>Google redirected back</h1>
<table>
<tr><th>code</th><td><code data-testid="code">${e(code)}</code></td></tr>
<tr><th>state</th><td><code data-testid="state">${e(state || '(none)')}</code></td></tr>
<tr><th>scope</th><td><code>${e(query.get('scope') ?? '')}</code></td></tr>
</table>
<h2>Exchange them for a session (the code works once and expires in minutes)</h2>
<p>Set <code>REQUEST_SECRET</code> to the <code>requestSecret</code> that <code>authorizationUrl</code> answered, then run:</p>
<pre data-testid="exchange-curl">${e(exchangeCodeCurl(gatewayUrl, code, state))}</pre>`;
    return html(200, pageLayout('Callback', content));
  }
  const curl = [
    `curl -s ${tokenUrl} \\`,
    `  -d grant_type=authorization_code \\`,
    `  -d code='${code}' \\`,
    `  -d redirect_uri='${redirectUri}' \\`,
    `  -d client_id='${client.clientId}' \\`,
    `  -d client_secret='${client.clientSecret}' \\`,
    `  -d code_verifier='<the PKCE verifier, if the consent URL had a code_challenge>'`,
  ].join('\n');
  const content = `<h1>Google redirected back</h1>
<table>
<tr><th>code</th><td><code>${e(code)}</code></td></tr>
<tr><th>state</th><td><code>${e(query.get('state') ?? '(none)')}</code></td></tr>
<tr><th>scope</th><td><code>${e(query.get('scope') ?? '')}</code></td></tr>
</table>
<h2>Exchange the code (it works once and expires in minutes)</h2>
<pre>${e(curl)}</pre>`;
  return html(200, pageLayout('Callback', content));
}

/**
 * A shell command posting `exchangeCode` to the gateway, every value quoted for a POSIX shell. The request secret
 * is not in this page (it never travels in a URL): the command reads it from `$REQUEST_SECRET`.
 */
export function exchangeCodeCurl(gatewayUrl: string, code: string, state: string): string {
  const body = JSON.stringify({
    query:
      'mutation SignIn($code: String!, $state: String!, $requestSecret: String!) { exchangeCode(code: $code, state: $state, requestSecret: $requestSecret) { sessionToken viewer { email } } }',
    variables: { code, state, requestSecret: SECRET_SLOT },
  });
  const quoted = shellQuote(body).replace(JSON.stringify(SECRET_SLOT), `"'"$REQUEST_SECRET"'"`);
  return [`curl -s ${shellQuote(gatewayUrl)} -H 'content-type: application/json' \\`, `  -d ${quoted}`].join(
    '\n',
  );
}

const SECRET_SLOT = '\u0000requestSecret\u0000';

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A round avatar with the user's initial: userinfo's `picture`, served locally because there is no internet. */
export function avatarSvg(user: EmulatorUser): Reply {
  const hue = [...user.id].reduce((sum, digit) => sum + Number(digit), 0) * 13;
  const body = `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96"><circle cx="48" cy="48" r="48" fill="hsl(${hue % 360} 55% 45%)"/><text x="48" y="62" font-family="sans-serif" font-size="44" fill="#fff" text-anchor="middle">${escapeHtml((user.name.trim()[0] ?? '?').toUpperCase())}</text></svg>`;
  return {
    status: 200,
    headers: { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' },
    body,
  };
}
