import { ClientAuthentication } from 'google-auth-library';
import { startGoogleEmulator, type GoogleEmulator } from '../../../dev/google-emulator';
import {
  authorize,
  EMAIL,
  failure,
  followConsent,
  GATEWAY_SCOPES,
  GMAIL_READONLY,
  oauthClient,
  PROFILE,
  signIn,
  userinfo,
} from './support';

let emulator: GoogleEmulator;
let clock: number;
beforeAll(async () => {
  clock = Date.now();
  emulator = await startGoogleEmulator({ now: () => clock, codeTtlSeconds: 600 });
});
afterAll(() => emulator.stop());
beforeEach(() => {
  clock = Date.now();
});

describe('the authorization code flow with PKCE', () => {
  it('redirects to the registered URI with a code, the state verbatim and the granted scopes', async () => {
    const state = 'opaque/state+with spaces&symbols=?';
    const { redirect } = await authorize(oauthClient(emulator), { state });
    expect(redirect.origin + redirect.pathname).toBe(emulator.defaultClient.redirectUris[0]);
    expect(redirect.searchParams.get('code')).toMatch(/^4\/0A/);
    expect(redirect.searchParams.get('state')).toBe(state);
    expect(redirect.searchParams.get('scope')?.split(' ')).toEqual(GATEWAY_SCOPES);
  });

  it('exchanges the code with the right verifier for an access token, a refresh token and an id_token', async () => {
    const user = emulator.addUser({ email: 'fresh-pkce@example.com' });
    const client = oauthClient(emulator);
    const { code, codeVerifier } = await authorize(client, { loginHint: user.email });
    const { tokens } = await client.getToken({ code, codeVerifier });
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: GATEWAY_SCOPES.join(' ') });
    expect(tokens.access_token).toMatch(/^ya29\./);
    expect(tokens.refresh_token).toMatch(/^1\/\//);
    expect(tokens.expiry_date).toBeGreaterThan(Date.now() + 3500 * 1000);
    const ticket = await client.verifyIdToken({
      idToken: tokens.id_token!,
      audience: emulator.defaultClient.clientId,
    });
    expect(ticket.getPayload()).toMatchObject({
      iss: 'https://accounts.google.com',
      sub: user.id,
      email: user.email,
    });
  });

  it('rejects a wrong verifier with invalid_grant "Invalid code verifier."', async () => {
    const client = oauthClient(emulator);
    const { code } = await authorize(client);
    const { codeVerifier: otherVerifier } = await client.generateCodeVerifierAsync();
    const rejected = await failure(client.getToken({ code, codeVerifier: otherVerifier }));
    expect(rejected.status).toBe(400);
    expect(rejected.data).toEqual({ error: 'invalid_grant', error_description: 'Invalid code verifier.' });
  });

  it('rejects a missing verifier with invalid_grant "Missing code verifier."', async () => {
    const client = oauthClient(emulator);
    const { code } = await authorize(client);
    const rejected = await failure(client.getToken({ code }));
    expect(rejected.status).toBe(400);
    expect(rejected.data).toEqual({ error: 'invalid_grant', error_description: 'Missing code verifier.' });
  });

  it('answers a replayed code with invalid_grant and revokes the tokens of its first exchange', async () => {
    const client = oauthClient(emulator);
    const { code, codeVerifier } = await authorize(client);
    const { tokens } = await client.getToken({ code, codeVerifier });
    client.setCredentials(tokens);
    await expect(userinfo(emulator, client).userinfo.get()).resolves.toMatchObject({ status: 200 });

    const replay = await failure(oauthClient(emulator).getToken({ code, codeVerifier }));
    expect(replay.status).toBe(400);
    expect(replay.data).toEqual({ error: 'invalid_grant', error_description: 'Bad Request' });
    expect((await failure(userinfo(emulator, client).userinfo.get())).status).toBe(401);
    const refresh = await failure(client.refreshAccessToken());
    expect(refresh.data).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a code once codeTtlSeconds have passed', async () => {
    const client = oauthClient(emulator);
    const { code, codeVerifier } = await authorize(client);
    clock += 601 * 1000;
    const rejected = await failure(client.getToken({ code, codeVerifier }));
    expect(rejected.status).toBe(400);
    expect(rejected.data).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a code presented with another redirect_uri than the consent URL had', async () => {
    const uris = ['http://127.0.0.1:9/callback', 'http://127.0.0.1:9/other'];
    emulator.registerClient({ clientId: 'two-uris', clientSecret: 's3cret', redirectUris: uris });
    const client = oauthClient(emulator, {
      clientId: 'two-uris',
      clientSecret: 's3cret',
      redirectUris: uris,
    });
    const { code, codeVerifier } = await authorize(client);
    const rejected = await failure(client.getToken({ code, codeVerifier, redirect_uri: uris[1] }));
    expect(rejected.status).toBe(400);
    expect(rejected.data).toMatchObject({ error: 'invalid_grant' });
  });

  it('shows an error page, never a redirect, for a redirect_uri that is not registered exactly', async () => {
    const registered = emulator.defaultClient.redirectUris[0]!;
    const url = oauthClient(emulator).generateAuthUrl({
      scope: [GMAIL_READONLY],
      redirect_uri: `${registered}/`,
    });
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('redirect_uri_mismatch');
  });

  it('shows an error page for an unknown client_id', async () => {
    const client = oauthClient(emulator, {
      clientId: 'nobody',
      clientSecret: 'x',
      redirectUris: ['http://127.0.0.1:9/cb'],
    });
    const response = await fetch(client.generateAuthUrl({ scope: [GMAIL_READONLY] }), { redirect: 'manual' });
    expect(response.status).toBe(401);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('invalid_client');
  });

  it('redirects with unsupported_response_type for anything but response_type=code', async () => {
    const url = new URL(oauthClient(emulator).generateAuthUrl({ scope: [GMAIL_READONLY], state: 's1' }));
    url.searchParams.set('response_type', 'token');
    const redirect = await followConsent(url.href);
    expect(redirect.searchParams.get('error')).toBe('unsupported_response_type');
    expect(redirect.searchParams.get('state')).toBe('s1');
  });

  it('redirects with error=access_denied when the user cancels', async () => {
    emulator.nextConsent({ deny: true });
    const { redirect } = await authorize(oauthClient(emulator), { state: 'cancelled' });
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    expect(redirect.searchParams.get('state')).toBe('cancelled');
    expect(redirect.searchParams.has('code')).toBe(false);
  });

  it('leaves an unticked scope out of the grant', async () => {
    emulator.nextConsent({ deniedScopes: [GMAIL_READONLY] });
    const client = oauthClient(emulator);
    const tokens = await signIn(client);
    expect(tokens.scope?.split(' ')).toEqual(['openid', EMAIL, PROFILE]);
  });

  it('consents as the login_hint user, case-insensitively', async () => {
    const user = emulator.addUser({ email: 'hinted@example.com', name: 'Hinted Person' });
    const client = oauthClient(emulator);
    await signIn(client, { loginHint: 'Hinted@Example.com' });
    const { data } = await userinfo(emulator, client).userinfo.get();
    expect(data).toMatchObject({ id: user.id, email: user.email, name: 'Hinted Person' });
  });

  it('consents as the queued account over the login_hint one', async () => {
    const chosen = emulator.addUser({ email: 'chosen@example.com' });
    emulator.nextConsent({ email: chosen.email });
    const client = oauthClient(emulator);
    await signIn(client, { loginHint: emulator.demoUser.email });
    expect((await userinfo(emulator, client).userinfo.get()).data.id).toBe(chosen.id);
  });
});

describe('client authentication at the token endpoint', () => {
  it('answers an unknown client with 401 invalid_client "The OAuth client was not found."', async () => {
    const { code, codeVerifier } = await authorize(oauthClient(emulator));
    const stranger = oauthClient(emulator, {
      clientId: 'unknown',
      clientSecret: 'x',
      redirectUris: ['http://x.test/'],
    });
    const rejected = await failure(stranger.getToken({ code, codeVerifier }));
    expect(rejected.status).toBe(401);
    expect(rejected.data).toEqual({
      error: 'invalid_client',
      error_description: 'The OAuth client was not found.',
    });
  });

  it('answers a wrong secret with 401 invalid_client "Unauthorized"', async () => {
    const { code, codeVerifier } = await authorize(oauthClient(emulator));
    const wrong = oauthClient(emulator, { ...emulator.defaultClient, clientSecret: 'wrong' });
    const rejected = await failure(wrong.getToken({ code, codeVerifier }));
    expect(rejected.status).toBe(401);
    expect(rejected.data).toEqual({ error: 'invalid_client', error_description: 'Unauthorized' });
  });

  it('accepts client credentials in an HTTP Basic header', async () => {
    const client = oauthClient(emulator, emulator.defaultClient, {
      clientAuthentication: ClientAuthentication.ClientSecretBasic,
    });
    const { code, codeVerifier } = await authorize(client);
    emulator.clearRequests();
    const { tokens } = await client.getToken({ code, codeVerifier });
    expect(tokens.access_token).toBeTruthy();
    expect(
      emulator.count('token', (r) => r.status === 200 && r.clientId === emulator.defaultClient.clientId),
    ).toBe(1);
  });
});

describe('refresh tokens at consent', () => {
  it('issues one on the first offline consent, none on the next, and one again with prompt=consent', async () => {
    const user = emulator.addUser({ email: 'consents-thrice@example.com' });
    const first = await signIn(oauthClient(emulator), { loginHint: user.email });
    expect(first.refresh_token).toBeTruthy();

    const second = await signIn(oauthClient(emulator), { loginHint: user.email });
    expect(second.access_token).toBeTruthy();
    expect(Object.keys(second)).not.toContain('refresh_token');

    const third = await signIn(oauthClient(emulator), { loginHint: user.email, prompt: 'consent' });
    expect(third.refresh_token).toBeTruthy();
    expect(third.refresh_token).not.toBe(first.refresh_token);
  });

  it('issues none for online access', async () => {
    const user = emulator.addUser({ email: 'online-only@example.com' });
    const tokens = await signIn(oauthClient(emulator), { loginHint: user.email, accessType: 'online' });
    expect(Object.keys(tokens)).not.toContain('refresh_token');
  });

  it('issues one again after the user removed the app', async () => {
    const user = emulator.addUser({ email: 'comes-back@example.com' });
    await signIn(oauthClient(emulator), { loginHint: user.email });
    emulator.revokeGrant(user.email);
    const again = await signIn(oauthClient(emulator), { loginHint: user.email });
    expect(again.refresh_token).toBeTruthy();
  });
});

describe('incremental authorization', () => {
  it('unions earlier grants into the new one with include_granted_scopes=true', async () => {
    const user = emulator.addUser({ email: 'incremental@example.com' });
    await signIn(oauthClient(emulator), { loginHint: user.email, scope: ['openid', EMAIL] });
    const withEarlier = await signIn(oauthClient(emulator), {
      loginHint: user.email,
      scope: [GMAIL_READONLY],
      includeGrantedScopes: true,
    });
    expect(withEarlier.scope?.split(' ').sort()).toEqual([EMAIL, GMAIL_READONLY, 'openid'].sort());
    const withoutEarlier = await signIn(oauthClient(emulator), {
      loginHint: user.email,
      scope: [GMAIL_READONLY],
    });
    expect(withoutEarlier.scope).toBe(GMAIL_READONLY);
  });

  it('answers prompt=none with a code only for scopes already granted', async () => {
    const user = emulator.addUser({ email: 'silent@example.com' });
    const client = oauthClient(emulator);
    const before = await authorize(client, { loginHint: user.email, prompt: 'none', state: 'quiet' });
    expect(before.redirect.searchParams.get('error')).toBe('consent_required');
    expect(before.redirect.searchParams.get('state')).toBe('quiet');
    await signIn(client, { loginHint: user.email });
    const after = await authorize(client, { loginHint: user.email, prompt: 'none' });
    expect(after.code).toMatch(/^4\//);
  });
});
