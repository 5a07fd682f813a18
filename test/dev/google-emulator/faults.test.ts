import type { OAuth2Client } from 'google-auth-library';
import type { gmail_v1 } from 'googleapis/build/src/apis/gmail';
import { startGoogleEmulator, type GoogleEmulator } from '../../../dev/google-emulator';
import { unwatchFaults, watchFaults } from '../../support/served-faults';
import { failure, freshUser, gmail, GMAIL_READONLY, oauthClient, reasonOf, signIn } from './support';

let emulator: GoogleEmulator;
let client: OAuth2Client;
let api: gmail_v1.Gmail;
let accessToken: string;

beforeAll(async () => {
  emulator = await startGoogleEmulator();
  client = oauthClient(emulator);
  accessToken = (await signIn(client, { scope: [GMAIL_READONLY] })).access_token!;
  api = gmail(emulator, client);
  watchFaults(emulator);
});
afterAll(async () => {
  unwatchFaults(emulator);
  await emulator.stop();
});
beforeEach(() => {
  emulator.clearFaults();
  emulator.clearRequests();
});

const listUrl = () => `${emulator.endpoints.apiRootUrl}gmail/v1/users/me/messages`;

describe('injected faults', () => {
  it('answers 429 RESOURCE_EXHAUSTED with a Retry-After header, as a raw client sees it', async () => {
    emulator.injectFault('messages.list', { status: 429, retryAfterSeconds: 7 });
    const response = await fetch(listUrl(), { headers: { authorization: `Bearer ${accessToken}` } });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    const body = (await response.json()) as { error: { status: string } };
    expect(body.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(reasonOf(body)).toBe('rateLimitExceeded');
  });

  it('answers 403 userRateLimitExceeded, which googleapis does not retry', async () => {
    emulator.injectFault('messages.list', { status: 403, reason: 'userRateLimitExceeded' });
    const rejected = await failure(api.users.messages.list({ userId: 'me' }));
    expect(rejected.status).toBe(403);
    expect(rejected.data).toMatchObject({
      error: {
        code: 403,
        message: 'User Rate Limit Exceeded',
        errors: [{ domain: 'usageLimits', reason: 'userRateLimitExceeded' }],
      },
    });
    expect(emulator.count('messages.list')).toBe(1);
  });

  it('answers 500 backendError once, then the retry by gaxios succeeds', async () => {
    emulator.injectFault('messages.list', { status: 500, reason: 'backendError' });
    const { data } = await api.users.messages.list({ userId: 'me', maxResults: 3 });
    expect(data.messages).toHaveLength(3);
    expect(emulator.requests.filter((r) => r.endpoint === 'messages.list').map((r) => r.status)).toEqual([
      500, 200,
    ]);
  });

  it('fails a messages.get of one message only when given a messageId', async () => {
    const [first, second] = emulator.messagesOf(emulator.demoUser.email);
    emulator.injectFault('messages.get', { status: 503, times: Infinity, messageId: first!.id });
    await expect(
      api.users.messages.get({ userId: 'me', id: second!.id, format: 'minimal' }),
    ).resolves.toBeTruthy();
    const response = await fetch(`${listUrl()}/${first!.id}`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(response.status).toBe(503);
    expect(emulator.count('messages.get', (r) => r.messageId === first!.id && r.status === 503)).toBe(1);
  });

  it('keeps failing with times: Infinity until clearFaults()', async () => {
    emulator.injectFault('userinfo', { status: 503, times: Infinity });
    const url = `${emulator.url}/oauth2/v2/userinfo`;
    for (let i = 0; i < 3; i++) expect((await fetch(url)).status).toBe(503);
    emulator.clearFaults();
    expect((await fetch(url)).status).toBe(401);
  });

  it('fails the token endpoint in the OAuth error shape', async () => {
    const user = freshUser(emulator);
    const tokens = await signIn(oauthClient(emulator), { loginHint: user.email });
    emulator.injectFault('token', { status: 400, reason: 'invalid_grant' });
    const refreshing = oauthClient(emulator);
    refreshing.setCredentials({ refresh_token: tokens.refresh_token! });
    const rejected = await failure(refreshing.refreshAccessToken());
    expect(rejected.status).toBe(400);
    expect(rejected.data).toEqual({
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    });
    // The grant itself is fine: the next refresh works.
    await expect(refreshing.refreshAccessToken()).resolves.toBeTruthy();
  });

  it('refuses a fault for an endpoint it does not know', () => {
    expect(() => emulator.injectFault('messages.send' as never, { status: 500 })).toThrow(/unknown endpoint/);
  });
});

describe('latency', () => {
  it('delays every answer of an endpoint by a fixed latency', async () => {
    emulator.setLatency('messages.list', { distribution: 'fixed', ms: 120 });
    const started = performance.now();
    await api.users.messages.list({ userId: 'me', maxResults: 1 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    expect(emulator.requests.find((r) => r.endpoint === 'messages.list')!.durationMs).toBeGreaterThanOrEqual(
      110,
    );
  });

  it("applies '*' to every endpoint without its own latency, and clearFaults() removes it", async () => {
    emulator.setLatency('*', { distribution: 'uniform', minMs: 60, maxMs: 80 });
    const started = performance.now();
    await api.users.messages.get({ userId: 'me', id: emulator.messagesOf('demo@example.com')[0]!.id });
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    emulator.clearFaults();
    emulator.clearRequests();
    await api.users.messages.list({ userId: 'me', maxResults: 1 });
    expect(emulator.requests[0]!.durationMs).toBeLessThan(55);
  });

  it('samples a lognormal latency around its median', async () => {
    emulator.setLatency('messages.list', { distribution: 'lognormal', medianMs: 20, sigma: 0.3 });
    await Promise.all(
      Array.from({ length: 5 }, () => api.users.messages.list({ userId: 'me', maxResults: 1 })),
    );
    const durations = emulator.requests.map((r) => r.durationMs);
    expect(durations).toHaveLength(5);
    for (const ms of durations) expect(ms).toBeGreaterThanOrEqual(5);
  });

  it('refuses a latency it cannot sample', () => {
    expect(() => emulator.setLatency('token', { distribution: 'uniform', minMs: 10, maxMs: 5 })).toThrow();
    expect(() => emulator.setLatency('token', { distribution: 'fixed', ms: -1 })).toThrow();
  });
});
