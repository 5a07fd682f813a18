import { GOOGLE_FAULTS } from '../../dev/google-emulator';
import { errorCodes, followConsent, Harness, REDIRECT_URI, type GraphQLResponse } from '../support/harness';

// Google's real failure modes, armed in the emulator with Google's own bodies, seen through the gateway over
// HTTP with the real googleapis and google-auth-library; each test then reads the raw credential document to
// check what was (or was not) marked.

const IDS = 'query { messages(first: 5) { edges { node { id } } } }';
const EXCHANGE =
  'mutation Exchange($code: String!, $state: String!, $requestSecret: String!) { exchangeCode(code: $code, state: $state, requestSecret: $requestSecret) { sessionToken viewer { email } } }';

let h: Harness;
beforeAll(async () => {
  h = await Harness.start();
});
afterAll(() => h.stop());
afterEach(() => h.emulator.clearFaults());

let users = 0;
async function newUser(label: string) {
  const user = h.emulator.addUser({ email: `${label}-${++users}@example.com`, messages: 10 });
  const { token } = await h.signIn(user.email);
  return { user, token };
}

/** The credential exactly as stored: what the gateway wrote, not what a repository makes of it. */
function storedCredential(userId: string) {
  return h.db.collection('credentials').findOne({ _id: userId as never });
}

function ids(response: GraphQLResponse): string[] {
  const data = response.body.data as { messages?: { edges: Array<{ node: { id: string } }> } } | null;
  return data?.messages?.edges.map((e) => e.node.id) ?? [];
}

/** Log lines written at error level (or above) since `from`, parsed. */
function errorLinesSince(from: number): Array<Record<string, unknown>> {
  return h.logLines
    .slice(from)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.level === 'error' || line.level === 'fatal');
}

describe('400 failedPrecondition "Precondition check failed."', () => {
  it('is retried, and the page is served from the answer after it', async () => {
    const { user, token } = await newUser('precondition');
    h.emulator.clearRequests();
    h.emulator.injectFault('messages.list', GOOGLE_FAULTS.preconditionFailed);
    const response = await h.graphql(IDS, {}, { token });
    expect(errorCodes(response)).toEqual([]);
    expect(ids(response)).toHaveLength(5);
    expect(h.emulator.count('messages.list', (r) => r.status === 400)).toBe(1);
    expect(h.emulator.count('messages.list', (r) => r.status === 200)).toBe(1);
    expect(await storedCredential(user.id)).toMatchObject({ status: 'ACTIVE', statusReason: null });
  });

  it('answers UPSTREAM_UNAVAILABLE when it never clears, without marking the credential', async () => {
    const { user, token } = await newUser('precondition-lasting');
    const before = await storedCredential(user.id);
    h.emulator.clearRequests();
    h.emulator.injectFault('messages.list', { ...GOOGLE_FAULTS.preconditionFailed, times: Infinity });
    const response = await h.graphql(IDS, {}, { token });
    expect(errorCodes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(response.body.errors![0]!.message).toBe('Gmail is unavailable right now; try again shortly.');
    expect(h.emulator.count('messages.list', (r) => r.status === 400)).toBeGreaterThan(1);
    expect(await storedCredential(user.id)).toEqual(before);
  });
});

describe('400 failedPrecondition "Mail service not enabled"', () => {
  async function expectGmailNotEnabled(response: GraphQLResponse, email: string) {
    expect(errorCodes(response)).toEqual(['GMAIL_NOT_ENABLED']);
    const error = response.body.errors![0]!;
    expect(error.message).toBe(
      'This Google account has no Gmail mailbox; connect another account at extensions.authorizationUrl.',
    );
    const url = new URL(String(error.extensions!.authorizationUrl));
    expect(url.origin + url.pathname).toBe(h.emulator.endpoints.authUrl);
    expect(url.searchParams.get('prompt')).toBe('select_account');
    // The account chooser is not steered back to the account without Gmail.
    expect(url.searchParams.get('login_hint')).toBeNull();
    expect(url.href).not.toContain(encodeURIComponent(email));

    // The user picks another account on Google's chooser: the URL leads to a working sign-in.
    const other = h.emulator.addUser({ email: `chosen-${++users}@example.com`, messages: 3 });
    h.emulator.nextConsent({ email: other.email });
    const redirect = await followConsent(url.href);
    expect(redirect.origin + redirect.pathname).toBe(REDIRECT_URI);
    expect(redirect.searchParams.get('state')).toBe(url.searchParams.get('state'));
    const exchanged = await h.graphql<{ exchangeCode: { sessionToken: string; viewer: { email: string } } }>(
      EXCHANGE,
      {
        code: redirect.searchParams.get('code'),
        state: redirect.searchParams.get('state'),
        requestSecret: error.extensions!.requestSecret,
      },
    );
    expect(errorCodes(exchanged)).toEqual([]);
    expect(exchanged.body.data!.exchangeCode.viewer.email).toBe(other.email);
    const theirs = await h.graphql(IDS, {}, { token: exchanged.body.data!.exchangeCode.sessionToken });
    expect(ids(theirs)).toHaveLength(3);
  }

  it('answers GMAIL_NOT_ENABLED with a select_account consent URL that works, and marks nothing', async () => {
    const { user, token } = await newUser('nomail');
    const before = await storedCredential(user.id);
    h.emulator.clearRequests();
    h.emulator.injectFault('messages.list', GOOGLE_FAULTS.mailServiceNotEnabled);
    await expectGmailNotEnabled(await h.graphql(IDS, {}, { token }), user.email);
    // Permanent: asked once, not retried.
    expect(h.emulator.count('messages.list', (r) => r.status === 400)).toBe(1);
    expect(await storedCredential(user.id)).toEqual(before);
  });

  it('answers GMAIL_NOT_ENABLED for a Google account that really has no Gmail, on every request', async () => {
    const { user, token } = await newUser('workspace-without-gmail');
    const before = await storedCredential(user.id);
    h.emulator.setGmailEnabled(user.email, false);
    h.emulator.clearRequests();
    await expectGmailNotEnabled(await h.graphql(IDS, {}, { token }), user.email);
    expect(errorCodes(await h.graphql(IDS, {}, { token }))).toEqual(['GMAIL_NOT_ENABLED']);
    expect(h.emulator.count('messages.list', (r) => r.status === 400)).toBe(2);
    expect(await storedCredential(user.id)).toEqual(before);
    // Once the account has Gmail, the same session reads it: the grant was never condemned.
    h.emulator.setGmailEnabled(user.email, true);
    expect(ids(await h.graphql(IDS, {}, { token }))).toHaveLength(5);
  });
});

describe('401 from Gmail', () => {
  it('answers UPSTREAM_UNAVAILABLE when Gmail answers 401 after a successful refresh twice, keeps the credential ACTIVE, and the next request works', async () => {
    const { user, token } = await newUser('hiccup');
    h.emulator.clearRequests();
    // The first 401 makes the gateway refresh; the replay and the one more try both get 401 too.
    h.emulator.injectFault('messages.list', { ...GOOGLE_FAULTS.invalidCredentials, times: 3 });
    const response = await h.graphql(IDS, {}, { token });
    expect(errorCodes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(response.body.errors![0]!.extensions!.authorizationUrl).toBeUndefined();
    expect(h.emulator.count('messages.list', (r) => r.status === 401)).toBe(3);
    expect(h.emulator.count('token', (r) => r.grantType === 'refresh_token' && r.status === 200)).toBe(1);
    expect(await storedCredential(user.id)).toMatchObject({ status: 'ACTIVE', statusReason: null });

    h.emulator.clearRequests();
    expect(ids(await h.graphql(IDS, {}, { token }))).toHaveLength(5);
    expect(h.emulator.count('auth')).toBe(0);
  });

  it('serves the page when the one more try after a refresh succeeds', async () => {
    const { user, token } = await newUser('second-try');
    h.emulator.clearRequests();
    h.emulator.injectFault('messages.list', { ...GOOGLE_FAULTS.invalidCredentials, times: 2 });
    expect(ids(await h.graphql(IDS, {}, { token }))).toHaveLength(5);
    expect(h.emulator.count('messages.list', (r) => r.status === 401)).toBe(2);
    expect(h.emulator.count('messages.list', (r) => r.status === 200)).toBe(1);
    // The second 401 came after a refresh: the token was fresh, so no second refresh.
    expect(h.emulator.count('token', (r) => r.grantType === 'refresh_token')).toBe(1);
    expect(await storedCredential(user.id)).toMatchObject({ status: 'ACTIVE', statusReason: null });
  });

  it('answers CREDENTIALS_REVOKED and marks the credential when the refresh answers invalid_grant', async () => {
    const { user, token } = await newUser('revoked');
    h.emulator.revokeGrant(user.email);
    h.emulator.clearRequests();
    const response = await h.graphql(IDS, {}, { token });
    expect(errorCodes(response)).toEqual(['CREDENTIALS_REVOKED']);
    const url = new URL(String(response.body.errors![0]!.extensions!.authorizationUrl));
    expect(url.searchParams.get('login_hint')).toBe(user.email);
    expect(h.emulator.count('messages.list', (r) => r.status === 401)).toBe(1);
    expect(h.emulator.count('token', (r) => r.grantType === 'refresh_token' && r.status === 400)).toBe(1);
    expect(await storedCredential(user.id)).toMatchObject({
      status: 'NEEDS_REAUTHORIZATION',
      statusReason: 'REFRESH_TOKEN_REVOKED',
    });
  });
});

describe('403 from Gmail', () => {
  it('answers UPSTREAM_UNAVAILABLE for accessNotConfigured, logs one error line telling the operator to enable the Gmail API, and touches no credential', async () => {
    const { user, token } = await newUser('disabled-api');
    const before = await storedCredential(user.id);
    const from = h.logLines.length;
    h.emulator.clearRequests();
    h.emulator.injectFault('messages.list', GOOGLE_FAULTS.accessNotConfigured);
    const response = await h.graphql(IDS, {}, { token });
    expect(errorCodes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(response.body.errors![0]!.message).toBe('Gmail is unavailable right now; try again shortly.');
    // Not a rate limit and not the user's: asked once, never refreshed.
    expect(h.emulator.count('messages.list', (r) => r.status === 403)).toBe(1);
    expect(h.emulator.count('token')).toBe(0);
    expect(errorLinesSince(from)).toEqual([
      expect.objectContaining({
        operatorFault: 'accessNotConfigured',
        service: 'gmail.googleapis.com',
        msg: 'Gmail API is not enabled in the Cloud project (accessNotConfigured): enable gmail.googleapis.com',
      }),
    ]);
    expect(await storedCredential(user.id)).toEqual(before);
    expect(ids(await h.graphql(IDS, {}, { token }))).toHaveLength(5);
  });

  it('still answers INSUFFICIENT_SCOPE for insufficientPermissions (ACCESS_TOKEN_SCOPE_INSUFFICIENT), marking nothing', async () => {
    const { user, token } = await newUser('unscoped');
    const before = await storedCredential(user.id);
    const from = h.logLines.length;
    h.emulator.injectFault('messages.list', GOOGLE_FAULTS.insufficientPermissions);
    const response = await h.graphql(IDS, {}, { token });
    expect(errorCodes(response)).toEqual(['INSUFFICIENT_SCOPE']);
    const url = new URL(String(response.body.errors![0]!.extensions!.authorizationUrl));
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(url.searchParams.get('login_hint')).toBe(user.email);
    expect(errorLinesSince(from)).toEqual([]);
    expect(await storedCredential(user.id)).toEqual(before);
  });
});
