import type { OAuth2Client } from 'google-auth-library';
import { GOOGLE_FAULTS, startGoogleEmulator, type GoogleEmulator } from '../../../dev/google-emulator';
import { EMAIL, failure, freshUser, gmail, GMAIL_READONLY, oauthClient, signIn } from './support';

/** Google's failures, armed or real, with the bodies real Google sends (field for field). */

const PROJECT = '987654321098';
let emulator: GoogleEmulator;
let client: OAuth2Client;
let accessToken: string;
let messageId: string;

beforeAll(async () => {
  emulator = await startGoogleEmulator({ projectNumber: PROJECT });
  client = oauthClient(emulator);
  accessToken = (await signIn(client, { scope: [GMAIL_READONLY] })).access_token!;
  messageId = emulator.messagesOf(emulator.demoUser.email)[0]!.id;
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.clearFaults();
  emulator.clearRequests();
});

const listUrl = () => `${emulator.endpoints.apiRootUrl}gmail/v1/users/me/messages`;
const getUrl = () => `${listUrl()}/${messageId}?format=minimal`;

/** A raw Gmail call, the way any HTTP client sees it. */
async function call(url: string, token = accessToken, init: RequestInit = {}) {
  const response = await fetch(url, { ...init, headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
}

function googleError(code: number, message: string, reason: string, domain: string, status: string) {
  return { error: { code, message, errors: [{ message, domain, reason }], status } };
}

describe('400 failedPrecondition', () => {
  it('answers "Precondition check failed." once, and the retry succeeds', async () => {
    emulator.injectFault('messages.list', GOOGLE_FAULTS.preconditionFailed);
    const rejected = await call(listUrl());
    expect(rejected.status).toBe(400);
    expect(rejected.body).toEqual(
      googleError(400, 'Precondition check failed.', 'failedPrecondition', 'global', 'FAILED_PRECONDITION'),
    );
    expect((await call(listUrl())).status).toBe(200);
    expect(emulator.requests.map((r) => r.status)).toEqual([400, 200]);
  });

  it('answers every Gmail call of an account without Gmail with "Mail service not enabled"', async () => {
    const user = emulator.addUser({ email: 'no-gmail@example.com', gmailEnabled: false });
    const other = oauthClient(emulator);
    const tokens = await signIn(other, { loginHint: user.email, scope: [GMAIL_READONLY, EMAIL] });
    const expected = googleError(
      400,
      'Mail service not enabled',
      'failedPrecondition',
      'global',
      'FAILED_PRECONDITION',
    );
    for (let i = 0; i < 2; i++) {
      expect(await call(listUrl(), tokens.access_token!)).toMatchObject({ status: 400, body: expected });
      expect(await call(getUrl(), tokens.access_token!)).toMatchObject({ status: 400, body: expected });
    }
    const rejected = await failure(gmail(emulator, other).users.messages.list({ userId: 'me' }));
    expect(rejected).toMatchObject({ status: 400, data: expected });
    // OAuth itself works: the account exists, it just has no mailbox.
    expect((await call(`${emulator.url}/oauth2/v2/userinfo`, tokens.access_token!)).status).toBe(200);

    emulator.setGmailEnabled(user.email, true);
    expect((await call(listUrl(), tokens.access_token!)).status).toBe(200);
  });

  it('arms "Mail service not enabled" as a fault too', async () => {
    emulator.injectFault('messages.get', GOOGLE_FAULTS.mailServiceNotEnabled);
    expect(await call(getUrl())).toMatchObject({
      status: 400,
      body: googleError(
        400,
        'Mail service not enabled',
        'failedPrecondition',
        'global',
        'FAILED_PRECONDITION',
      ),
    });
  });
});

describe('401 authError with a valid token', () => {
  const invalidCredentials = {
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
  };

  it.each([
    ['messages.list', listUrl],
    ['messages.get', getUrl],
  ] as const)(
    'answers exactly what a dead token gets on %s, WWW-Authenticate included',
    async (endpoint, url) => {
      const dead = await call(url(), 'ya29.a0-not-a-token');
      emulator.injectFault(endpoint, GOOGLE_FAULTS.invalidCredentials);
      const armed = await call(url());
      expect(armed.status).toBe(401);
      expect(armed.body).toEqual(invalidCredentials);
      expect(armed.body).toEqual(dead.body);
      expect(armed.headers.get('www-authenticate')).toBe(
        'Bearer realm="https://accounts.google.com/", error="invalid_token"',
      );
      expect(armed.headers.get('www-authenticate')).toBe(dead.headers.get('www-authenticate'));
      expect((await call(url())).status).toBe(200);
    },
  );

  it('is transient: a client that refreshes on a 401 and retries gets its answer', async () => {
    const retrying = oauthClient(emulator, emulator.defaultClient, { forceRefreshOnFailure: true });
    await signIn(retrying, { loginHint: freshUser(emulator).email, scope: [GMAIL_READONLY] });
    emulator.clearRequests();
    emulator.injectFault('messages.list', GOOGLE_FAULTS.invalidCredentials);
    const { data } = await gmail(emulator, retrying).users.messages.list({ userId: 'me', maxResults: 1 });
    expect(data.messages).toHaveLength(1);
    expect(emulator.requests.map((r) => `${r.endpoint} ${r.status}`)).toEqual([
      'messages.list 401',
      'token 200',
      'messages.list 200',
    ]);
  });
});

describe('operator faults at the token endpoint', () => {
  it.each([
    ['invalidClient', 'invalid_client', 'Unauthorized'],
    ['unauthorizedClient', 'unauthorized_client', 'Unauthorized'],
    ['deletedClient', 'deleted_client', 'The OAuth client was deleted.'],
  ] as const)('arms %s: 401 %s "%s"', async (kind, error, description) => {
    const signedIn = oauthClient(emulator);
    await signIn(signedIn, { loginHint: freshUser(emulator).email });
    emulator.injectFault('token', { ...GOOGLE_FAULTS[kind], times: 2 });
    const rejected = await failure(signedIn.refreshAccessToken());
    expect(await failure(signedIn.refreshAccessToken())).toEqual(rejected);
    expect(rejected.status).toBe(401);
    expect(rejected.data).toEqual({ error, error_description: description });
    await expect(signedIn.refreshAccessToken()).resolves.toBeTruthy();
  });

  it('rejects the old client secret on every refresh and code exchange once the secret is rotated, until it is set back', async () => {
    const user = freshUser(emulator);
    const configured = oauthClient(emulator);
    const tokens = await signIn(configured, { loginHint: user.email });
    const registered = emulator.defaultClient;
    const { clientId, clientSecret } = registered;
    emulator.setClientSecret(clientId, 'rotated-secret');
    expect(emulator.defaultClient.clientSecret).toBe('rotated-secret');
    try {
      for (let i = 0; i < 2; i++) {
        expect((await failure(configured.refreshAccessToken())).data).toEqual({
          error: 'invalid_client',
          error_description: 'Unauthorized',
        });
      }
      const exchange = await failure(
        signIn(oauthClient(emulator, registered), { loginHint: freshUser(emulator).email }),
      );
      expect(exchange).toMatchObject({ status: 401, data: { error: 'invalid_client' } });
      // Tokens already issued keep working: Gmail does not check the client secret.
      expect((await call(listUrl(), tokens.access_token!)).status).toBe(200);
      // A client that has the new secret gets tokens.
      const updated = oauthClient(emulator);
      updated.setCredentials({ refresh_token: tokens.refresh_token! });
      await expect(updated.refreshAccessToken()).resolves.toBeTruthy();
    } finally {
      emulator.setClientSecret(clientId, clientSecret);
    }
    // The old secret works again, with the same refresh token: the grant was never touched.
    const { credentials } = await configured.refreshAccessToken();
    expect(credentials.access_token).toMatch(/^ya29\./);
    expect(emulator.count('token', (r) => r.status === 401)).toBe(3);
  });
});

describe('403s', () => {
  it('answers accessNotConfigured with Google’s body for the emulator’s project', async () => {
    emulator.injectFault('messages.list', GOOGLE_FAULTS.accessNotConfigured);
    const activationUrl = `https://console.developers.google.com/apis/api/gmail.googleapis.com/overview?project=${PROJECT}`;
    const message = `Gmail API has not been used in project ${PROJECT} before or it is disabled. Enable it by visiting ${activationUrl} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`;
    const rejected = await call(listUrl());
    expect(rejected.status).toBe(403);
    expect(rejected.body).toEqual({
      error: {
        code: 403,
        message,
        errors: [
          {
            message,
            domain: 'usageLimits',
            reason: 'accessNotConfigured',
            extendedHelp: 'https://console.developers.google.com',
          },
        ],
        status: 'PERMISSION_DENIED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'SERVICE_DISABLED',
            domain: 'googleapis.com',
            metadata: {
              consumer: `projects/${PROJECT}`,
              service: 'gmail.googleapis.com',
              containerInfo: PROJECT,
              serviceTitle: 'Gmail API',
              activationUrl,
            },
          },
          { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
          {
            '@type': 'type.googleapis.com/google.rpc.Help',
            links: [{ description: 'Google developers console API activation', url: activationUrl }],
          },
        ],
      },
    });
    expect(emulator.projectNumber).toBe(PROJECT);
  });

  it('answers insufficientPermissions with the ErrorInfo detail, armed or for a token without a Gmail scope', async () => {
    const expected = {
      error: {
        code: 403,
        message: 'Request had insufficient authentication scopes.',
        errors: [{ message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' }],
        status: 'PERMISSION_DENIED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
            domain: 'googleapis.com',
            metadata: {
              service: 'gmail.googleapis.com',
              method: 'caribou.api.proto.MailboxService.ListMessages',
            },
          },
        ],
      },
    };
    emulator.injectFault('messages.list', GOOGLE_FAULTS.insufficientPermissions);
    const armed = await call(listUrl());
    expect(armed).toMatchObject({ status: 403, body: expected });
    const emailOnly = await signIn(oauthClient(emulator), {
      loginHint: freshUser(emulator).email,
      scope: [EMAIL],
    });
    const real = await call(listUrl(), emailOnly.access_token!);
    expect(real.body).toEqual(armed.body);
    expect(real.headers.get('www-authenticate')).toBe(armed.headers.get('www-authenticate'));
  });

  it('answers the project limit as 403 rateLimitExceeded "Rate Limit Exceeded"', async () => {
    emulator.injectFault('messages.get', GOOGLE_FAULTS.rateLimitExceeded);
    expect(await call(getUrl())).toMatchObject({
      status: 403,
      body: googleError(403, 'Rate Limit Exceeded', 'rateLimitExceeded', 'usageLimits', 'PERMISSION_DENIED'),
    });
  });
});

describe('per-user limits', () => {
  const retryAt = new Date('2026-03-07T18:03:15.961Z');
  const message = 'User-rate limit exceeded.  Retry after 2026-03-07T18:03:15.961Z';

  it('names the end of the limit in a 403 userRateLimitExceeded, without a Retry-After header', async () => {
    emulator.injectFault('messages.list', { ...GOOGLE_FAULTS.userRateLimitExceeded, retryAt });
    const rejected = await call(listUrl());
    expect(rejected.status).toBe(403);
    expect(rejected.headers.get('retry-after')).toBeNull();
    expect(rejected.body).toEqual(
      googleError(403, message, 'userRateLimitExceeded', 'usageLimits', 'PERMISSION_DENIED'),
    );
  });

  it('names it in a 429 rateLimitExceeded too', async () => {
    emulator.injectFault('messages.get', {
      ...GOOGLE_FAULTS.userRateLimitExceeded429,
      retryAt: retryAt.getTime(),
    });
    const rejected = await call(getUrl());
    expect(rejected.status).toBe(429);
    expect(rejected.headers.get('retry-after')).toBeNull();
    expect(rejected.body).toEqual(
      googleError(429, message, 'rateLimitExceeded', 'global', 'RESOURCE_EXHAUSTED'),
    );
  });

  it('answers 429 "Too many concurrent requests for user"', async () => {
    emulator.injectFault('messages.get', GOOGLE_FAULTS.tooManyConcurrentRequests);
    expect(await call(getUrl())).toMatchObject({
      status: 429,
      body: googleError(
        429,
        'Too many concurrent requests for user',
        'rateLimitExceeded',
        'global',
        'RESOURCE_EXHAUSTED',
      ),
    });
  });
});

describe('stalls', () => {
  it('never answers a stalled call; the client gives up, the call is logged unanswered, and the next one is served', async () => {
    emulator.injectFault('messages.get', GOOGLE_FAULTS.stall);
    const started = performance.now();
    await expect(call(getUrl(), accessToken, { signal: AbortSignal.timeout(150) })).rejects.toThrow();
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    await until(() => emulator.requests.length === 1);
    expect(emulator.requests[0]).toMatchObject({ endpoint: 'messages.get', status: 0, messageId });
    expect(emulator.usage(emulator.demoUser.email).inFlight).toBe(0);
    expect((await call(getUrl())).status).toBe(200);
  });

  it('answers the fault after stallMs', async () => {
    emulator.injectFault('messages.list', { ...GOOGLE_FAULTS.preconditionFailed, stallMs: 120 });
    const started = performance.now();
    expect((await call(listUrl())).status).toBe(400);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('lets stop() end a stalled call at once', async () => {
    const own = await startGoogleEmulator();
    const tokens = await signIn(oauthClient(own), { scope: [GMAIL_READONLY] });
    own.injectFault('messages.list', GOOGLE_FAULTS.stall);
    const pending = fetch(`${own.endpoints.apiRootUrl}gmail/v1/users/me/messages`, {
      headers: { authorization: `Bearer ${tokens.access_token!}` },
    });
    await until(() => own.usage(own.demoUser.email).inFlight === 1);
    const started = performance.now();
    await own.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(pending).rejects.toThrow();
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}
