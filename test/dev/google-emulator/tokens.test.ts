import type { Credentials } from 'google-auth-library';
import { startGoogleEmulator, type GoogleEmulator } from '../../../dev/google-emulator';
import {
  EMAIL,
  failure,
  freshUser,
  gmail,
  GMAIL_READONLY,
  oauthClient,
  PROFILE,
  reasonOf,
  signIn,
  userinfo,
} from './support';

let emulator: GoogleEmulator;
beforeAll(async () => {
  emulator = await startGoogleEmulator();
});
afterAll(() => emulator.stop());

describe('the refresh grant', () => {
  it('gives a new access token with the same scope and no refresh_token key', async () => {
    const client = oauthClient(emulator);
    const first = await signIn(client, { loginHint: freshUser(emulator).email });
    const emitted: Credentials[] = [];
    // Copied at once: refreshAccessToken() writes the old refresh_token into the emitted object afterwards.
    client.on('tokens', (tokens) => emitted.push({ ...tokens }));
    const { credentials } = await client.refreshAccessToken();
    expect(credentials.access_token).toBeTruthy();
    expect(credentials.access_token).not.toBe(first.access_token);
    expect(credentials.scope).toBe(first.scope);
    expect(emitted).toHaveLength(1);
    expect(Object.keys(emitted[0]!)).not.toContain('refresh_token');
  });

  it('answers a revoked grant with GaxiosError 400 invalid_grant from the token URL', async () => {
    const user = emulator.addUser({ email: 'revoked@example.com' });
    const client = oauthClient(emulator);
    await signIn(client, { loginHint: user.email });
    emulator.revokeGrant(user.email);
    const rejected = await failure(client.refreshAccessToken());
    expect(rejected.status).toBe(400);
    expect(rejected.data).toEqual({
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    });
    expect(rejected.url).toBe(emulator.endpoints.tokenUrl);
  });

  it('kills the access tokens of a revoked grant too', async () => {
    const user = emulator.addUser({ email: 'revoked-access@example.com' });
    const client = oauthClient(emulator);
    await signIn(client, { loginHint: user.email });
    emulator.revokeGrant(user.id);
    const rejected = await failure(gmail(emulator, client).users.messages.list({ userId: 'me' }));
    expect(rejected.status).toBe(401);
    expect(reasonOf(rejected.data)).toBe('authError');
  });

  it("refuses another client's refresh token with 401 unauthorized_client, as Google does", async () => {
    const other = {
      clientId: 'other-client',
      clientSecret: 'other-secret',
      redirectUris: ['http://127.0.0.1:9/cb'],
    };
    emulator.registerClient(other);
    const tokens = await signIn(oauthClient(emulator), { loginHint: freshUser(emulator).email });
    const thief = oauthClient(emulator, other);
    thief.setCredentials({ refresh_token: tokens.refresh_token! });
    const rejected = await failure(thief.refreshAccessToken());
    expect(rejected.status).toBe(401);
    expect(rejected.data).toEqual({ error: 'unauthorized_client', error_description: 'Unauthorized' });
    // The token itself is fine for the client it was issued to.
    const owner = oauthClient(emulator);
    owner.setCredentials({ refresh_token: tokens.refresh_token! });
    await expect(owner.refreshAccessToken()).resolves.toBeTruthy();
  });

  it('rotates refresh tokens when asked to, and the old one stops working', async () => {
    const rotating = await startGoogleEmulator({ rotateRefreshTokens: true });
    try {
      const client = oauthClient(rotating);
      const first = await signIn(client);
      const emitted: Credentials[] = [];
      client.on('tokens', (tokens) => emitted.push({ ...tokens }));
      await client.refreshAccessToken();
      const rotated = emitted[0]?.refresh_token;
      expect(rotated).toBeTruthy();
      expect(rotated).not.toBe(first.refresh_token);
      // google-auth-library keeps the refresh token it had: persisting the rotated one is the app's job.
      expect(client.credentials.refresh_token).toBe(first.refresh_token);
      const stale = oauthClient(rotating);
      stale.setCredentials({ refresh_token: first.refresh_token! });
      expect((await failure(stale.refreshAccessToken())).data).toMatchObject({ error: 'invalid_grant' });
    } finally {
      await rotating.stop();
    }
  });

  it('answers an unknown grant_type with 400 unsupported_grant_type', async () => {
    const { clientId, clientSecret } = emulator.defaultClient;
    const response = await fetch(emulator.endpoints.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', client_id: clientId, client_secret: clientSecret }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('answers a missing code with 400 invalid_request', async () => {
    const { clientId, clientSecret } = emulator.defaultClient;
    const body = { grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret };
    const response = await fetch(emulator.endpoints.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams(body),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('expired access tokens', () => {
  it('answer 401 at Gmail while the client believes its token is still valid', async () => {
    const user = emulator.addUser({ email: 'expiring@example.com' });
    const client = oauthClient(emulator);
    await signIn(client, { loginHint: user.email });
    emulator.expireAccessTokens(user.email);
    const rejected = await failure(gmail(emulator, client).users.messages.list({ userId: 'me' }));
    expect(rejected.status).toBe(401);
    expect((rejected.data as { error: { status: string } }).error.status).toBe('UNAUTHENTICATED');
  });

  it('are refreshed and the call replayed by the library when the credentials carry no expiry_date', async () => {
    const user = emulator.addUser({ email: 'replayed@example.com' });
    const client = oauthClient(emulator);
    const tokens = await signIn(client, { loginHint: user.email });
    client.setCredentials({ access_token: tokens.access_token!, refresh_token: tokens.refresh_token! });
    emulator.expireAccessTokens();
    emulator.clearRequests();
    const { data } = await gmail(emulator, client).users.messages.list({ userId: 'me', maxResults: 5 });
    expect(data.messages).toHaveLength(5);
    expect(emulator.count('messages.list', (r) => r.status === 401)).toBe(1);
    expect(emulator.count('token', (r) => r.grantType === 'refresh_token' && r.status === 200)).toBe(1);
    expect(emulator.count('messages.list', (r) => r.status === 200 && r.userId === user.id)).toBe(1);
  });

  it('leave refresh tokens working', async () => {
    const client = oauthClient(emulator);
    await signIn(client, { loginHint: freshUser(emulator).email });
    emulator.expireAccessTokens();
    await expect(client.refreshAccessToken()).resolves.toBeTruthy();
  });
});

describe('the revocation endpoint', () => {
  it('revokes the whole grant when the library revokes its access token', async () => {
    const user = emulator.addUser({ email: 'disconnects@example.com' });
    const client = oauthClient(emulator);
    const tokens = await signIn(client, { loginHint: user.email });
    emulator.clearRequests();
    const response = await client.revokeToken(tokens.access_token!);
    expect(response.status).toBe(200);
    expect(response.data).toEqual({});
    expect(emulator.count('revoke', (r) => r.status === 200 && r.userId === user.id)).toBe(1);
    expect((await failure(client.refreshAccessToken())).data).toMatchObject({ error: 'invalid_grant' });
  });

  it('revokes by refresh token given in a form body', async () => {
    const client = oauthClient(emulator);
    const tokens = await signIn(client, { loginHint: freshUser(emulator).email });
    const response = await fetch(emulator.endpoints.revokeUrl, {
      method: 'POST',
      body: new URLSearchParams({ token: tokens.refresh_token! }),
    });
    expect(response.status).toBe(200);
    expect((await failure(userinfo(emulator, client).userinfo.get())).status).toBe(401);
  });

  it('logs a form-body revocation with its field names only, and no query string', async () => {
    const user = emulator.addUser({ email: 'form-revoker@example.com' });
    const client = oauthClient(emulator);
    const tokens = await signIn(client, { loginHint: user.email });
    emulator.clearRequests();

    const response = await fetch(emulator.endpoints.revokeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refresh_token! }).toString(),
    });

    expect(response.status).toBe(200);
    expect(emulator.requests).toEqual([
      expect.objectContaining({ endpoint: 'revoke', query: {}, formFields: ['token'], userId: user.id }),
    ]);
    expect((await failure(client.refreshAccessToken())).status).toBe(400);
  });

  it('answers 400 invalid_request for a POST without a token', async () => {
    const response = await fetch(emulator.endpoints.revokeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('answers an unknown or already revoked token with 400 invalid_token', async () => {
    const client = oauthClient(emulator);
    const tokens = await signIn(client);
    await client.revokeToken(tokens.access_token!);
    const rejected = await failure(client.revokeToken(tokens.access_token!));
    expect(rejected.status).toBe(400);
    expect(rejected.data).toEqual({ error: 'invalid_token', error_description: 'Token expired or revoked' });
  });
});

describe('tokeninfo', () => {
  it("describes a live access token like Google's: scopes, audience, subject, e-mail", async () => {
    const client = oauthClient(emulator);
    const tokens = await signIn(client);
    const info = await client.getTokenInfo(tokens.access_token!);
    expect(info).toMatchObject({
      aud: emulator.defaultClient.clientId,
      sub: emulator.demoUser.id,
      email: 'demo@example.com',
    });
    expect(info.scopes).toEqual(tokens.scope!.split(' '));
    expect(info.expiry_date).toBeGreaterThan(Date.now());
  });

  it('answers 400 invalid_token for a revoked one', async () => {
    const client = oauthClient(emulator);
    const tokens = await signIn(client);
    await client.revokeToken(tokens.access_token!);
    const response = await fetch(`${emulator.endpoints.tokenInfoUrl}?access_token=${tokens.access_token}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_token', error_description: 'Invalid Value' });
  });
});

describe('userinfo', () => {
  it('gives id, e-mail and profile with the email and profile scopes', async () => {
    const client = oauthClient(emulator);
    await signIn(client, { scope: ['openid', EMAIL, PROFILE] });
    const { data } = await userinfo(emulator, client).userinfo.get();
    expect(data).toEqual({
      id: '108234567890123456789',
      email: 'demo@example.com',
      verified_email: true,
      name: 'Demo User',
      given_name: 'Demo',
      family_name: 'User',
      picture: `${emulator.url}/avatar/108234567890123456789.svg`,
    });
  });

  it('leaves out the profile without the profile scope, and the e-mail without the email scope', async () => {
    const emailOnly = oauthClient(emulator);
    await signIn(emailOnly, { scope: ['email'] });
    expect((await userinfo(emulator, emailOnly).userinfo.get()).data).toEqual({
      id: emulator.demoUser.id,
      email: emulator.demoUser.email,
      verified_email: true,
    });
    const gmailOnly = oauthClient(emulator);
    await signIn(gmailOnly, { scope: [GMAIL_READONLY] });
    expect((await userinfo(emulator, gmailOnly).userinfo.get()).data).toEqual({ id: emulator.demoUser.id });
  });

  it("answers Google's 401 bodies for a missing or an unknown token", async () => {
    const missing = await fetch(`${emulator.url}/oauth2/v2/userinfo`);
    expect(missing.status).toBe(401);
    expect(reasonOf(await missing.json())).toBe('required');
    const unknown = await fetch(`${emulator.url}/oauth2/v2/userinfo`, {
      headers: { authorization: 'Bearer ya29.nope' },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toContain('invalid_token');
    expect(await unknown.json()).toEqual({
      error: {
        code: 401,
        message:
          'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        errors: [
          {
            message: 'Invalid Credentials',
            domain: 'global',
            reason: 'authError',
            location: 'Authorization',
            locationType: 'header',
          },
        ],
        status: 'UNAUTHENTICATED',
      },
    });
  });
});
