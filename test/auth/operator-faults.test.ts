import { GOOGLE_FAULTS } from '../../dev/google-emulator';
import { CLIENT, errorCodes, Harness, type GraphQLResponse } from '../support/harness';

// Faults of the operator, not of the user: the token endpoint rejecting the OAuth client (a wrong or rotated
// secret, a deleted client, refresh tokens of another client). Every request answers UPSTREAM_UNAVAILABLE,
// the log says what to fix, and no credential is touched, so fixing the configuration is all it takes.

const IDS = 'query { messages(first: 5) { edges { node { id } } } }';
const EXCHANGE =
  'mutation Exchange($code: String!, $state: String!, $requestSecret: String!) { exchangeCode(code: $code, state: $state, requestSecret: $requestSecret) { sessionToken } }';
const WRONG_SECRET = 'a-secret-the-gateway-was-not-given';
const UNAVAILABLE = 'Gmail is unavailable right now; try again shortly.';
const FIX_SECRET =
  'the token endpoint rejected the OAuth client (invalid_client): check GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET';

// The gateway logs one line per fault a minute; each test starts a few minutes after the last.
let skewMs = 0;
let h: Harness;
beforeAll(async () => {
  h = await Harness.start({ now: () => new Date(Date.now() + skewMs), sessionTtlSeconds: 7 * 24 * 3600 });
});
afterAll(() => h.stop());
beforeEach(() => {
  skewMs += 5 * 60_000;
});
afterEach(() => {
  h.emulator.clearFaults();
  h.emulator.setClientSecret(CLIENT.clientId, CLIENT.clientSecret);
});

let users = 0;
async function newUser(label: string) {
  const user = h.emulator.addUser({ email: `${label}-${++users}@example.com`, messages: 10 });
  const { token } = await h.signIn(user.email);
  return { user, token };
}

function storedCredentials(userIds: readonly string[]) {
  return h.db
    .collection('credentials')
    .find({ _id: { $in: userIds as never[] } })
    .sort({ _id: 1 })
    .toArray();
}

function pageSize(response: GraphQLResponse): number {
  const data = response.body.data as { messages?: { edges: unknown[] } } | null;
  return data?.messages?.edges.length ?? 0;
}

/** Log lines written at error level since `from`, parsed. */
function errorLinesSince(from: number): Array<Record<string, unknown>> {
  return h.logLines
    .slice(from)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.level === 'error' || line.level === 'fatal');
}

describe('a wrong client secret', () => {
  it('answers UPSTREAM_UNAVAILABLE to 20 users who must refresh, logs one line naming the fault, marks no credential, and every user reads mail again once the secret is fixed, without a new consent', async () => {
    const signedIn = await Promise.all(Array.from({ length: 20 }, () => newUser('rotation')));
    const ids = signedIn.map((s) => s.user.id);
    h.emulator.expireAccessTokens();
    h.emulator.setClientSecret(CLIENT.clientId, WRONG_SECRET);
    const before = await storedCredentials(ids);
    expect(before).toHaveLength(20);
    const from = h.logLines.length;
    h.emulator.clearRequests();

    const responses = await Promise.all(signedIn.map(({ token }) => h.graphql(IDS, {}, { token })));
    for (const response of responses) {
      expect(errorCodes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
      expect(response.body.errors![0]!.message).toBe(UNAVAILABLE);
      expect(response.body.errors![0]!.extensions!.authorizationUrl).toBeUndefined();
    }
    // Every user really tried to refresh, and the token endpoint refused the client each time.
    expect(h.emulator.count('token', (r) => r.grantType === 'refresh_token' && r.status === 401)).toBe(20);
    expect(h.emulator.count('token', (r) => r.status === 200)).toBe(0);
    expect(errorLinesSince(from)).toEqual([
      expect.objectContaining({ operatorFault: 'invalid_client', msg: FIX_SECRET }),
    ]);
    expect(h.logLines.slice(from).join('\n')).not.toContain(CLIENT.clientSecret);
    expect(h.logLines.slice(from).join('\n')).not.toContain(WRONG_SECRET);
    expect(await storedCredentials(ids)).toEqual(before);

    h.emulator.setClientSecret(CLIENT.clientId, CLIENT.clientSecret);
    h.emulator.clearRequests();
    const again = await Promise.all(signedIn.map(({ token }) => h.graphql(IDS, {}, { token })));
    expect(again.map(errorCodes).flat()).toEqual([]);
    expect(again.map(pageSize)).toEqual(Array.from({ length: 20 }, () => 5));
    expect(h.emulator.count('auth')).toBe(0);
    const after = await storedCredentials(ids);
    expect(after.map((c) => [c.status, c.statusReason])).toEqual(
      Array.from({ length: 20 }, () => ['ACTIVE', null]),
    );
  });

  it('answers UPSTREAM_UNAVAILABLE, not CODE_EXCHANGE_FAILED, to a sign-in, logs the fault and stores nothing', async () => {
    const user = h.emulator.addUser({ email: `newcomer-${++users}@example.com` });
    h.emulator.nextConsent({ email: user.email });
    const { code, state, requestSecret } = await h.consent({ loginHint: user.email });
    h.emulator.setClientSecret(CLIENT.clientId, WRONG_SECRET);
    const from = h.logLines.length;
    h.emulator.clearRequests();

    const response = await h.graphql(EXCHANGE, { code, state, requestSecret });
    expect(errorCodes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(response.body.errors![0]!.message).toBe('Google is unavailable right now; try again shortly.');
    expect(h.emulator.count('token', (r) => r.grantType === 'authorization_code' && r.status === 401)).toBe(
      1,
    );
    expect(errorLinesSince(from)).toEqual([
      expect.objectContaining({ operatorFault: 'invalid_client', msg: FIX_SECRET }),
    ]);
    expect(await h.db.collection('credentials').countDocuments({ _id: user.id as never })).toBe(0);

    h.emulator.setClientSecret(CLIENT.clientId, CLIENT.clientSecret);
    const { token } = await h.signIn(user.email);
    expect(pageSize(await h.graphql(IDS, {}, { token }))).toBe(5);
  });

  it('still answers CODE_EXCHANGE_FAILED for a code Google refuses with invalid_grant, logging no operator fault', async () => {
    const { state, requestSecret } = await h.consent();
    const from = h.logLines.length;
    const response = await h.graphql(EXCHANGE, { code: 'forged', state, requestSecret });
    expect(errorCodes(response)).toEqual(['CODE_EXCHANGE_FAILED']);
    expect(errorLinesSince(from)).toEqual([]);
  });
});

describe('the token endpoint refusing the OAuth client', () => {
  it.each([
    [
      'deletedClient',
      'deleted_client',
      'the OAuth client was deleted (deleted_client): restore it in the Google Cloud console, or configure another GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET',
    ],
    [
      'unauthorizedClient',
      'unauthorized_client',
      'the token endpoint refused the OAuth client for these grants (unauthorized_client): GOOGLE_CLIENT_ID must be the client the users consented to',
    ],
  ] as const)(
    'answers UPSTREAM_UNAVAILABLE on a refresh answered %s, logs one line naming %s, and marks nothing',
    async (preset, fault, fix) => {
      const { user, token } = await newUser(preset);
      h.emulator.expireAccessTokens(user.email);
      const before = await storedCredentials([user.id]);
      const from = h.logLines.length;
      h.emulator.clearRequests();
      h.emulator.injectFault('token', GOOGLE_FAULTS[preset]);

      const response = await h.graphql(IDS, {}, { token });
      expect(errorCodes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
      expect(response.body.errors![0]!.message).toBe(UNAVAILABLE);
      expect(h.emulator.count('token', (r) => r.status === 401)).toBe(1);
      expect(errorLinesSince(from)).toEqual([expect.objectContaining({ operatorFault: fault, msg: fix })]);
      expect(await storedCredentials([user.id])).toEqual(before);
      // The fault gone, the same session reads mail: the grant was never condemned.
      expect(pageSize(await h.graphql(IDS, {}, { token }))).toBe(5);
    },
  );

  it('answers UPSTREAM_UNAVAILABLE to a sign-in whose code exchange is answered deleted_client', async () => {
    const { code, state, requestSecret } = await h.consent();
    const from = h.logLines.length;
    h.emulator.injectFault('token', GOOGLE_FAULTS.deletedClient);
    const response = await h.graphql(EXCHANGE, { code, state, requestSecret });
    expect(errorCodes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(errorLinesSince(from)).toEqual([expect.objectContaining({ operatorFault: 'deleted_client' })]);
  });

  it('keeps everything on disconnect when the revoke endpoint refuses the OAuth client', async () => {
    const { user, token } = await newUser('disconnecting');
    const before = await storedCredentials([user.id]);
    const from = h.logLines.length;
    h.emulator.clearRequests();
    h.emulator.injectFault('revoke', GOOGLE_FAULTS.invalidClient);

    const response = await h.graphql('mutation { disconnectGoogle }', {}, { token });
    expect(errorCodes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(h.emulator.count('revoke', (r) => r.status === 401)).toBe(1);
    expect(errorLinesSince(from)).toEqual([
      expect.objectContaining({ operatorFault: 'invalid_client', msg: FIX_SECRET }),
    ]);
    expect(await storedCredentials([user.id])).toEqual(before);
    expect(await h.db.collection('sessions').countDocuments({ userId: user.id })).toBe(1);
    expect(pageSize(await h.graphql(IDS, {}, { token }))).toBe(5);

    // Fixed, the disconnect goes through.
    const done = await h.graphql('mutation { disconnectGoogle }', {}, { token });
    expect(done.body).toEqual({ data: { disconnectGoogle: true } });
    expect(await h.db.collection('credentials').countDocuments({ _id: user.id as never })).toBe(0);
  });
});
