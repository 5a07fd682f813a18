import { createServer, type Server, type Socket } from 'node:net';
import { OAuth2Client } from 'google-auth-library';
import { gmail_v1 } from 'googleapis/build/src/apis/gmail';
import {
  GOOGLE_FAULTS,
  startGoogleEmulator,
  type EmulatorUser,
  type GoogleEmulator,
} from '../../dev/google-emulator';
import { classifyGoogleError, parseRetryAfter } from '../../src/upstream/google-errors';
import { EMAIL, freshUser, GATEWAY_SCOPES, gmail, oauthClient, signIn } from '../dev/google-emulator/support';

// Every error here is what googleapis / google-auth-library really throw for the emulator's answers, called
// the way the gateway calls them (gaxios's retry off for Gmail), so a change in the libraries' error shapes
// fails these tests rather than production.

let emulator: GoogleEmulator;

beforeAll(async () => {
  emulator = await startGoogleEmulator();
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.clearFaults();
  emulator.clearRequests();
});

/** The error a promise rejects with; fails the test when it resolves. */
async function thrownBy(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error: unknown) {
    return error;
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** A signed-in user's client and Gmail API, with the gateway's scopes unless told otherwise. */
async function signedIn(scope: string[] = GATEWAY_SCOPES): Promise<{
  user: EmulatorUser;
  client: OAuth2Client;
  api: gmail_v1.Gmail;
}> {
  const user = freshUser(emulator, 5);
  const client = oauthClient(emulator);
  await signIn(client, { scope, loginHint: user.email });
  return { user, client, api: gmail(emulator, client) };
}

const list = (api: gmail_v1.Gmail) => api.users.messages.list({ userId: 'me' }, { retry: false });

/** Arms one fault on messages.list and returns what the list call threw, after checking it was served. */
async function listFailingWith(fault: Parameters<GoogleEmulator['injectFault']>[1]): Promise<unknown> {
  const { api } = await signedIn();
  emulator.clearRequests();
  emulator.injectFault('messages.list', fault);
  const error = await thrownBy(list(api));
  expect(emulator.count('messages.list', (r) => r.status === fault.status)).toBe(1);
  return error;
}

describe('classifyGoogleError, on errors the Google client libraries throw', () => {
  it('reads invalid_grant when the token endpoint refuses a refresh of a revoked grant', async () => {
    const { user, client } = await signedIn();
    emulator.revokeGrant(user.email);
    const error = await thrownBy(client.refreshAccessToken());
    expect(emulator.count('token', (r) => r.grantType === 'refresh_token' && r.status === 400)).toBe(1);
    expect(classifyGoogleError(error)).toEqual({ kind: 'invalidGrant' });
  });

  it('reads invalid_grant when the token endpoint refuses an unknown authorization code', async () => {
    const error = await thrownBy(
      oauthClient(emulator).getToken({ code: 'not-a-code', codeVerifier: 'v'.repeat(43) }),
    );
    expect(emulator.count('token', (r) => r.status === 400)).toBe(1);
    expect(classifyGoogleError(error)).toEqual({ kind: 'invalidGrant' });
  });

  it('reads another OAuth error of the token endpoint as a client error', async () => {
    emulator.injectFault('token', { status: 400, reason: 'invalid_request' });
    const error = await thrownBy(oauthClient(emulator).getToken({ code: 'c', codeVerifier: 'v'.repeat(43) }));
    expect(emulator.count('token', (r) => r.status === 400)).toBe(1);
    expect(classifyGoogleError(error)).toEqual({ kind: 'client', status: 400 });
  });

  it('reads a 401 from Gmail for an access token Google no longer accepts', async () => {
    const { user, client } = await signedIn();
    // A client holding only the access token: with a refresh token the library would refresh and replay.
    const accessOnly = oauthClient(emulator);
    accessOnly.setCredentials({ access_token: client.credentials.access_token! });
    emulator.expireAccessTokens(user.email);
    emulator.clearRequests();
    const error = await thrownBy(list(gmail(emulator, accessOnly)));
    expect(emulator.count('messages.list', (r) => r.status === 401)).toBe(1);
    expect(classifyGoogleError(error)).toEqual({ kind: 'unauthorized' });
  });

  it('reads 403 insufficientPermissions when the grant lacks the Gmail scope', async () => {
    const { api } = await signedIn([EMAIL]);
    emulator.clearRequests();
    const error = await thrownBy(list(api));
    expect(emulator.count('messages.list', (r) => r.status === 403)).toBe(1);
    expect(classifyGoogleError(error)).toEqual({ kind: 'insufficientScope' });
  });

  it.each(['rateLimitExceeded', 'userRateLimitExceeded'])('reads 403 %s as a rate limit', async (reason) => {
    const error = await listFailingWith({ status: 403, reason });
    expect(classifyGoogleError(error)).toEqual({
      kind: 'rateLimited',
      retryAfterSeconds: null,
      retryAt: null,
    });
  });

  it.each([
    ['userRateLimitExceeded', 'userRateLimitExceeded'],
    ['userRateLimitExceeded429', 'userRateLimitExceeded429'],
  ] as const)('reads the end Google announces in the message of %s', async (_name, kind) => {
    const retryAt = new Date(Date.now() + 90_000);
    const error = await listFailingWith({ ...GOOGLE_FAULTS[kind], retryAt });
    const classified = classifyGoogleError(error);
    expect(classified).toEqual({ kind: 'rateLimited', retryAt, retryAfterSeconds: expect.any(Number) });
    expect(classified.kind === 'rateLimited' && classified.retryAfterSeconds).toBeGreaterThanOrEqual(89);
    expect(classified.kind === 'rateLimited' && classified.retryAfterSeconds).toBeLessThanOrEqual(90);
  });

  it('reads "Too many concurrent requests for user" as a limit without an announced end', async () => {
    const error = await listFailingWith({ ...GOOGLE_FAULTS.tooManyConcurrentRequests });
    expect(classifyGoogleError(error)).toEqual({
      kind: 'rateLimited',
      retryAfterSeconds: null,
      retryAt: null,
    });
  });

  it('reads a 429 with its Retry-After header', async () => {
    const error = await listFailingWith({ status: 429, retryAfterSeconds: 7 });
    expect(classifyGoogleError(error)).toEqual({
      kind: 'rateLimited',
      retryAfterSeconds: 7,
      retryAt: expect.any(Date),
    });
  });

  it('reads 403 insufficientPermissions with its ACCESS_TOKEN_SCOPE_INSUFFICIENT detail as a missing scope', async () => {
    const error = await listFailingWith(GOOGLE_FAULTS.insufficientPermissions);
    expect(classifyGoogleError(error)).toEqual({ kind: 'insufficientScope' });
  });

  it('reads 400 failedPrecondition "Precondition check failed." as transient, like Gmail being unavailable', async () => {
    const error = await listFailingWith(GOOGLE_FAULTS.preconditionFailed);
    expect(classifyGoogleError(error)).toEqual({ kind: 'unavailable', retryAfterSeconds: null });
  });

  it('reads 400 failedPrecondition "Mail service not enabled" as an account without Gmail', async () => {
    const error = await listFailingWith(GOOGLE_FAULTS.mailServiceNotEnabled);
    expect(classifyGoogleError(error)).toEqual({ kind: 'mailNotEnabled' });
  });

  it('reads the real answer for an account without Gmail as an account without Gmail', async () => {
    const { user, api } = await signedIn();
    emulator.setGmailEnabled(user.email, false);
    emulator.clearRequests();
    const error = await thrownBy(list(api));
    expect(emulator.count('messages.list', (r) => r.status === 400)).toBe(1);
    expect(classifyGoogleError(error)).toEqual({ kind: 'mailNotEnabled' });
  });

  it('reads 403 accessNotConfigured as the operator fault of a disabled Gmail API, naming the service', async () => {
    const error = await listFailingWith(GOOGLE_FAULTS.accessNotConfigured);
    expect(classifyGoogleError(error)).toEqual({
      kind: 'operatorFault',
      fault: 'accessNotConfigured',
      service: 'gmail.googleapis.com',
    });
  });

  it('reads invalid_client when a refresh presents a client secret the token endpoint no longer accepts', async () => {
    const { client } = await signedIn();
    const { clientId, clientSecret } = emulator.defaultClient;
    emulator.setClientSecret(clientId, 'rotated-secret');
    try {
      const error = await thrownBy(client.refreshAccessToken());
      expect(emulator.count('token', (r) => r.status === 401)).toBe(1);
      expect(classifyGoogleError(error)).toEqual({ kind: 'operatorFault', fault: 'invalid_client' });
    } finally {
      emulator.setClientSecret(clientId, clientSecret);
    }
  });

  it.each([
    ['unauthorized_client', GOOGLE_FAULTS.unauthorizedClient],
    ['deleted_client', GOOGLE_FAULTS.deletedClient],
  ] as const)('reads a token endpoint 401 %s as an operator fault', async (fault, spec) => {
    const { client } = await signedIn();
    emulator.clearRequests();
    emulator.injectFault('token', spec);
    const error = await thrownBy(client.refreshAccessToken());
    expect(emulator.count('token', (r) => r.status === 401)).toBe(1);
    expect(classifyGoogleError(error)).toEqual({ kind: 'operatorFault', fault });
  });

  it('reads invalid_client on a code exchange as an operator fault', async () => {
    emulator.injectFault('token', GOOGLE_FAULTS.invalidClient);
    const error = await thrownBy(oauthClient(emulator).getToken({ code: 'c', codeVerifier: 'v'.repeat(43) }));
    expect(emulator.count('token', (r) => r.status === 401)).toBe(1);
    expect(classifyGoogleError(error)).toEqual({ kind: 'operatorFault', fault: 'invalid_client' });
  });

  it('reads another 403 as a client error', async () => {
    const error = await listFailingWith({ status: 403, reason: 'forbidden' });
    expect(classifyGoogleError(error)).toEqual({ kind: 'client', status: 403 });
  });

  it.each([500, 503])('reads a %i as Gmail being unavailable, with its Retry-After', async (status) => {
    const error = await listFailingWith({ status, retryAfterSeconds: 3 });
    expect(classifyGoogleError(error)).toEqual({ kind: 'unavailable', retryAfterSeconds: 3 });
  });

  it('reads a 404 for a message Gmail does not have', async () => {
    const { api } = await signedIn();
    emulator.clearRequests();
    const error = await thrownBy(
      api.users.messages.get({ userId: 'me', id: '0123456789abcdef', format: 'metadata' }, { retry: false }),
    );
    expect(emulator.count('messages.get', (r) => r.status === 404)).toBe(1);
    expect(classifyGoogleError(error)).toEqual({ kind: 'notFound' });
  });

  describe('when Google cannot be reached', () => {
    let server: Server | undefined;
    afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

    /** A loopback port: refusing connections when `accept` is absent, else running `accept` on each socket. */
    async function loopbackPort(accept?: (socket: Socket) => void): Promise<number> {
      const listening = createServer(accept ?? (() => undefined));
      await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
      const { port } = listening.address() as { port: number };
      if (accept) {
        server = listening;
      } else {
        server = undefined;
        await new Promise<void>((resolve) => listening.close(() => resolve()));
      }
      return port;
    }

    /**
     * A list call to a loopback port, from a client built like the gateway's (gaxios's default fetch, node-fetch):
     * how a failed connection reaches the classifier depends on the fetch implementation.
     */
    async function listAt(port: number): Promise<unknown> {
      const client = new OAuth2Client();
      client.setCredentials({ access_token: 'token', expiry_date: Date.now() + 3_600_000 });
      const api = new gmail_v1.Gmail({ auth: client, rootUrl: `http://127.0.0.1:${port}/` });
      return thrownBy(list(api));
    }

    it('reads a refused connection as unavailable', async () => {
      const error = await listAt(await loopbackPort());
      expect(classifyGoogleError(error)).toEqual({ kind: 'unavailable', retryAfterSeconds: null });
    });

    it('reads a socket reset before any answer as unavailable', async () => {
      let accepted = 0;
      const port = await loopbackPort((socket) => {
        accepted += 1;
        socket.resetAndDestroy();
      });
      const error = await listAt(port);
      expect(accepted).toBeGreaterThanOrEqual(1);
      expect(classifyGoogleError(error)).toEqual({ kind: 'unavailable', retryAfterSeconds: null });
    });
  });

  describe('when a call is given up on', () => {
    // What the gateway does to a stalled call: gaxios's `timeout` option, or the request's own signal.
    async function stalledList(options: { timeout?: number; signal?: AbortSignal }): Promise<unknown> {
      const { api } = await signedIn();
      emulator.injectFault('messages.list', { status: 504, stallMs: Infinity });
      const error = await thrownBy(api.users.messages.list({ userId: 'me' }, { retry: false, ...options }));
      emulator.clearFaults();
      return error;
    }

    it('reads gaxios giving up at its timeout as unavailable', async () => {
      const error = await stalledList({ timeout: 200 });
      expect((error as { code?: unknown }).code).toBe('TimeoutError');
      expect(classifyGoogleError(error)).toEqual({ kind: 'unavailable', retryAfterSeconds: null });
    });

    it('reads a call aborted by its signal as unavailable', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new DOMException('deadline', 'TimeoutError')), 100);
      const error = await stalledList({ signal: controller.signal });
      expect(classifyGoogleError(error)).toEqual({ kind: 'unavailable', retryAfterSeconds: null });
    });

    it('reads an abort or timeout wrapped in causes as unavailable', () => {
      const wrapped = new Error('outer', {
        cause: new Error('middle', { cause: new DOMException('gone', 'AbortError') }),
      });
      expect(classifyGoogleError(wrapped)).toEqual({ kind: 'unavailable', retryAfterSeconds: null });
      expect(classifyGoogleError(new DOMException('late', 'TimeoutError'))).toEqual({
        kind: 'unavailable',
        retryAfterSeconds: null,
      });
    });
  });

  it.each([
    ['a plain bug', new RangeError('oops')],
    ['a non-object', 'nope'],
  ])('reads %s as unknown', (_name, error) => {
    expect(classifyGoogleError(error)).toEqual({ kind: 'unknown' });
  });
});

describe('parseRetryAfter', () => {
  it('rounds delta-seconds up', () => {
    expect(parseRetryAfter('1.2')).toBe(2);
  });

  it('counts an HTTP date from now', () => {
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6);
  });

  it('gives null for an unreadable or absent value', () => {
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
  });
});
