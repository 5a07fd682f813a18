import { Agent, request } from 'node:http';
import { startGoogleEmulator, type GoogleEmulator } from '../../../dev/google-emulator';
import { failure, freshUser, gmail, GMAIL_READONLY, oauthClient, signIn } from './support';

let emulator: GoogleEmulator;
beforeAll(async () => {
  emulator = await startGoogleEmulator();
});
afterAll(() => emulator.stop());
beforeEach(() => emulator.clearRequests());

async function control(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${emulator.url}/__emulator${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('the request log', () => {
  it('records what was asked, by whom, and how it was answered', async () => {
    const user = freshUser(emulator);
    const client = oauthClient(emulator);
    await signIn(client, { loginHint: user.email, scope: [GMAIL_READONLY] });
    await gmail(emulator, client).users.messages.list({ userId: 'me', q: 'is:unread', maxResults: 2 });

    expect(emulator.requests.map((r) => r.endpoint)).toEqual(['auth', 'token', 'messages.list']);
    const [auth, token, list] = emulator.requests;
    expect(auth).toMatchObject({ method: 'GET', path: '/o/oauth2/v2/auth', status: 302 });
    expect(token).toMatchObject({
      method: 'POST',
      path: '/token',
      status: 200,
      grantType: 'authorization_code',
      userId: user.id,
      clientId: emulator.defaultClient.clientId,
      // The names of the form fields google-auth-library sent, in its order; their values are never kept.
      formFields: ['client_id', 'code_verifier', 'code', 'grant_type', 'redirect_uri', 'client_secret'],
    });
    expect(list).toMatchObject({ status: 200, userId: user.id, query: { q: 'is:unread', maxResults: '2' } });
    expect(list!.at).toBeGreaterThan(0);
    expect(list!.durationMs).toBeGreaterThanOrEqual(0);
    expect(emulator.count('messages.list', (r) => r.userId === user.id)).toBe(1);
  });

  it('keeps no token, code, verifier or state', async () => {
    const client = oauthClient(emulator);
    const tokens = await signIn(client, {
      loginHint: freshUser(emulator).email,
      state: 'secret-state-value',
    });
    await client.getTokenInfo(tokens.access_token!);
    await fetch(`${emulator.endpoints.tokenInfoUrl}?access_token=${tokens.access_token}`);
    await client.revokeToken(tokens.refresh_token!);
    const log = JSON.stringify(emulator.requests);
    for (const secret of [tokens.access_token!, tokens.refresh_token!, 'secret-state-value']) {
      expect(log).not.toContain(secret);
    }
    expect(log).not.toMatch(/4\/0A|ya29\.|1\/\/0/);
    expect(emulator.requests.find((r) => r.endpoint === 'auth')!.query['state']).toBe('[redacted]');
  });
});

describe('the HTTP control API', () => {
  it('revokes a grant: POST /__emulator/revoke', async () => {
    const user = freshUser(emulator);
    const client = oauthClient(emulator);
    await signIn(client, { loginHint: user.email });
    expect((await control('POST', '/revoke', { email: user.email })).status).toBe(200);
    expect((await failure(client.refreshAccessToken())).data).toMatchObject({ error: 'invalid_grant' });
  });

  it('accepts the revoke as a form post from its own page and redirects back', async () => {
    const user = freshUser(emulator);
    const response = await fetch(`${emulator.url}/__emulator/revoke`, {
      method: 'POST',
      headers: { accept: 'text/html', origin: emulator.url },
      body: new URLSearchParams({ email: user.email }),
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/__emulator\?done=/);
  });

  it('expires access tokens: POST /__emulator/expire-access-tokens', async () => {
    const client = oauthClient(emulator);
    await signIn(client, { loginHint: freshUser(emulator).email, scope: [GMAIL_READONLY] });
    expect((await control('POST', '/expire-access-tokens')).status).toBe(200);
    expect((await failure(gmail(emulator, client).users.messages.list({ userId: 'me' }))).status).toBe(401);
  });

  it('arms and clears faults: POST and DELETE /__emulator/faults', async () => {
    const url = `${emulator.url}/oauth2/v2/userinfo`;
    const armed = await control('POST', '/faults', { endpoint: 'userinfo', status: 503, times: 'Infinity' });
    expect(armed.status).toBe(200);
    expect((await fetch(url)).status).toBe(503);
    expect((await fetch(url)).status).toBe(503);
    expect((await control('DELETE', '/faults')).status).toBe(200);
    expect((await fetch(url)).status).toBe(401);
  });

  it('sets latency: POST /__emulator/latency', async () => {
    await control('POST', '/latency', { endpoint: 'userinfo', latency: { distribution: 'fixed', ms: 60 } });
    const started = performance.now();
    await fetch(`${emulator.url}/oauth2/v2/userinfo`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    await control('DELETE', '/faults');
  });

  it('queues a consent decision: POST /__emulator/next-consent', async () => {
    await control('POST', '/next-consent', { deny: true });
    const response = await fetch(oauthClient(emulator).generateAuthUrl({ scope: [GMAIL_READONLY] }), {
      redirect: 'manual',
    });
    expect(new URL(response.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
  });

  it('adds users and lists the log: POST /__emulator/users, GET /__emulator/requests', async () => {
    const added = await control('POST', '/users', { email: 'over-http@example.com', messages: 3 });
    expect(added.body['user']).toMatchObject({
      email: 'over-http@example.com',
      id: expect.stringMatching(/^\d{21}$/),
    });
    expect(emulator.messagesOf('over-http@example.com')).toHaveLength(3);
    const { body } = await control('GET', '/requests');
    expect(body['requests']).toEqual([
      expect.objectContaining({ endpoint: 'control', path: '/__emulator/users' }),
    ]);
  });

  it('answers 400 with the reason for a bad control request', async () => {
    const response = await control('POST', '/faults', { endpoint: 'nope', status: 500 });
    expect(response.status).toBe(400);
    expect(String(response.body['error'])).toContain('endpoint must be one of');
    expect((await control('POST', '/revoke', { email: 'stranger@example.com' })).status).toBe(400);
  });

  it('lets loopback pages call it cross-origin and refuses other origins', async () => {
    const local = await control('POST', '/expire-access-tokens', {}, { origin: 'http://localhost:5173' });
    expect(local.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const foreign = await control('POST', '/expire-access-tokens', {}, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
  });

  it('serves a home page with the endpoints and the default client', async () => {
    const response = await fetch(`${emulator.url}/__emulator`);
    const page = await response.text();
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(page).toContain(emulator.endpoints.tokenUrl);
    expect(page).toContain(emulator.defaultClient.clientId);
  });
});

describe('stop()', () => {
  it('closes at once with a keep-alive connection open, and can be called twice', async () => {
    const own = await startGoogleEmulator();
    const agent = new Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      request(`${own.url}/oauth2/v2/userinfo`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(401);
    const started = performance.now();
    await Promise.all([own.stop(), own.stop()]);
    expect(performance.now() - started).toBeLessThan(1000);
    agent.destroy();
  });

  it('ends a request that is waiting on latency', async () => {
    const own = await startGoogleEmulator();
    own.setLatency('userinfo', { distribution: 'fixed', ms: 60_000 });
    const pending = fetch(`${own.url}/oauth2/v2/userinfo`).then(
      () => 'answered',
      () => 'connection closed',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await own.stop();
    expect(await pending).toBe('connection closed');
  });
});
