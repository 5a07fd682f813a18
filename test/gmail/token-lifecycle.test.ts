import { MongoCredentialRepository } from '../../src/credentials/mongo-credential.repository';
import { TokenCipher } from '../../src/credentials/token-cipher';
import { errorCodes, eventually, Harness } from '../support/harness';

const IDS =
  'query Page($after: String) { messages(first: 10, after: $after) { edges { node { id } } pageInfo { endCursor } } }';
const SUBJECTS = 'query { messages(first: 5) { edges { node { id subject } } } }';

let h: Harness;
beforeAll(async () => {
  h = await Harness.start();
});
afterAll(() => h.stop());
afterEach(() => h.emulator.clearFaults());

function repository() {
  return new MongoCredentialRepository(h.db, new TokenCipher(h.encryptionKeys));
}

async function newUser(email: string) {
  const user = h.emulator.addUser({ email, messages: 40 });
  const { token } = await h.signIn(email);
  return { user, token };
}

describe('token lifecycle', () => {
  it('refreshes an expired access token once for 20 concurrent requests, and persists the new one', async () => {
    const { user, token } = await newUser('storm@example.com');
    const before = await repository().findById(user.id);
    // As if the stored access token had expired and no instance held a client for the user yet.
    await h.db
      .collection('credentials')
      .updateOne({ _id: user.id as never }, { $set: { accessTokenExpiresAt: new Date(0) } });
    h.gateway.services.clients.forget(user.id);
    h.emulator.clearRequests();

    const responses = await Promise.all(Array.from({ length: 20 }, () => h.graphql(IDS, {}, { token })));
    expect(responses.map(errorCodes).flat()).toEqual([]);
    expect(h.emulator.count('token', (r) => r.grantType === 'refresh_token')).toBe(1);

    const after = await eventually(
      () => repository().findById(user.id),
      (c) => c?.accessToken !== before?.accessToken,
    );
    expect(after?.accessToken).not.toBe(before?.accessToken);
    expect(after?.accessTokenExpiresAt?.getTime()).toBeGreaterThan(Date.now());
    expect(after?.refreshToken).toBe(before?.refreshToken);
  });

  it('refreshes once and retries when Gmail rejects the access token with 401', async () => {
    const { user, token } = await newUser('rejected@example.com');
    h.emulator.expireAccessTokens(user.id);
    h.emulator.clearRequests();
    const responses = await Promise.all(Array.from({ length: 5 }, () => h.graphql(IDS, {}, { token })));
    expect(responses.map(errorCodes).flat()).toEqual([]);
    expect(h.emulator.count('token', (r) => r.grantType === 'refresh_token')).toBe(1);
    expect(h.emulator.count('messages.list', (r) => r.status === 401)).toBeGreaterThanOrEqual(1);
  });

  it('persists a refresh token that Google rotated', async () => {
    const rotating = await Harness.start({ emulator: { rotateRefreshTokens: true } });
    try {
      const { viewer, token } = await rotating.signIn();
      const repo = new MongoCredentialRepository(rotating.db, new TokenCipher(rotating.encryptionKeys));
      const before = await repo.findById(viewer.id);
      rotating.emulator.expireAccessTokens(viewer.id);
      expect(errorCodes(await rotating.graphql(IDS, {}, { token }))).toEqual([]);
      await eventually(
        () => repo.findById(viewer.id),
        (c) => c?.refreshToken !== before?.refreshToken,
      );
      // The old refresh token is dead now: the same instance must refresh with the rotated one...
      rotating.emulator.expireAccessTokens(viewer.id);
      expect(errorCodes(await rotating.graphql(IDS, {}, { token }))).toEqual([]);
      // ...and so must a fresh instance reading the store.
      expect((await repo.findById(viewer.id))?.status).toBe('ACTIVE');
      rotating.gateway.services.clients.forget(viewer.id);
      rotating.emulator.expireAccessTokens(viewer.id);
      expect(errorCodes(await rotating.graphql(IDS, {}, { token }))).toEqual([]);
      expect(
        rotating.emulator.count('token', (r) => r.grantType === 'refresh_token' && r.status === 200),
      ).toBe(3);
    } finally {
      await rotating.stop();
    }
  });
});

describe('revoked credentials', () => {
  it('answers CREDENTIALS_REVOKED with a login_hint consent URL when the grant is revoked mid-paging, ends the user’s sessions, and stops calling Google until the user consents again', async () => {
    const { user, token } = await newUser('revoker@example.com');
    const { token: otherTab } = await h.signIn(user.email);
    const { token: someoneElse } = await newUser('bystander@example.com');
    const first = await h.graphql<{ messages: { pageInfo: { endCursor: string } } }>(IDS, {}, { token });
    expect(errorCodes(first)).toEqual([]);

    h.emulator.revokeGrant(user.id);
    const revoked = await h.graphql(IDS, { after: first.body.data!.messages.pageInfo.endCursor }, { token });
    expect(errorCodes(revoked)).toEqual(['CREDENTIALS_REVOKED']);
    const url = new URL(String(revoked.body.errors![0]!.extensions!.authorizationUrl));
    expect(url.searchParams.get('login_hint')).toBe(user.email);
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(await repository().findById(user.id)).toMatchObject({
      status: 'NEEDS_REAUTHORIZATION',
      statusReason: 'REFRESH_TOKEN_REVOKED',
    });
    expect(await h.db.collection('sessions').countDocuments({ userId: user.id })).toBe(0);
    for (const ended of [token, otherTab]) {
      expect((await h.graphql('{ viewer { status } }', {}, { token: ended })).body.data).toEqual({
        viewer: null,
      });
    }
    expect(errorCodes(await h.graphql(IDS, {}, { token: someoneElse }))).toEqual([]);

    h.emulator.clearRequests();
    const again = await h.graphql(IDS, {}, { token });
    expect(errorCodes(again)).toEqual(['UNAUTHENTICATED']);
    expect(h.emulator.requests.filter((r) => r.endpoint !== 'auth')).toEqual([]);

    const { token: renewed } = await h.signIn(user.email);
    expect(errorCodes(await h.graphql(IDS, {}, { token: renewed }))).toEqual([]);
    // The sessions that ended with the grant do not come back with the new consent.
    expect(errorCodes(await h.graphql(IDS, {}, { token }))).toEqual(['UNAUTHENTICATED']);
  });

  it('answers UPSTREAM_UNAVAILABLE, not CREDENTIALS_REVOKED, when Gmail keeps answering 401 after a refresh', async () => {
    const { user, token } = await newUser('stubborn@example.com');
    h.emulator.injectFault('messages.list', { status: 401, times: Infinity });
    const response = await h.graphql(IDS, {}, { token });
    expect(errorCodes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
    // Only invalid_grant on a refresh condemns a grant: one refresh, three tries, and the credential stays.
    expect(h.emulator.count('token', (r) => r.grantType === 'refresh_token')).toBe(1);
    expect(await repository().findById(user.id)).toMatchObject({ status: 'ACTIVE', statusReason: null });
  });
});

describe('upstream failures', () => {
  it('retries a 429 that Gmail answers once, honouring Retry-After, and succeeds', async () => {
    const { token } = await newUser('patient@example.com');
    h.emulator.clearRequests();
    h.emulator.injectFault('messages.list', { status: 429, times: 1, retryAfterSeconds: 1 });
    expect(errorCodes(await h.graphql(IDS, {}, { token }))).toEqual([]);
    expect(h.emulator.count('messages.list')).toBe(2);
  });

  it('answers RATE_LIMITED with retryAfterSeconds when Gmail keeps rate-limiting', async () => {
    const { token } = await newUser('throttled@example.com');
    h.emulator.clearRequests();
    h.emulator.injectFault('messages.list', {
      status: 403,
      reason: 'userRateLimitExceeded',
      times: Infinity,
    });
    const response = await h.graphql(IDS, {}, { token });
    expect(errorCodes(response)).toEqual(['RATE_LIMITED']);
    expect(response.body.errors![0]!.extensions!.retryAfterSeconds).toEqual(expect.any(Number));
    expect(h.emulator.count('messages.list')).toBeGreaterThan(1);
    expect(h.emulator.count('messages.list')).toBeLessThanOrEqual(5);
  });

  it('answers RATE_LIMITED at once when Retry-After is longer than the retry budget', async () => {
    const { token } = await newUser('later@example.com');
    h.emulator.clearRequests();
    h.emulator.injectFault('messages.list', { status: 429, retryAfterSeconds: 120, times: Infinity });
    const response = await h.graphql(IDS, {}, { token });
    expect(errorCodes(response)).toEqual(['RATE_LIMITED']);
    expect(response.body.errors![0]!.extensions!.retryAfterSeconds).toBe(120);
    expect(h.emulator.count('messages.list')).toBe(1);
  });

  it('rides out a burst of 500s on metadata reads', async () => {
    const { token } = await newUser('bursty@example.com');
    h.emulator.clearRequests();
    h.emulator.injectFault('messages.get', { status: 500, times: 4 });
    const response = await h.graphql<{ messages: { edges: Array<{ node: { subject: string } }> } }>(
      SUBJECTS,
      {},
      { token },
    );
    expect(errorCodes(response)).toEqual([]);
    expect(response.body.data!.messages.edges.every((e) => typeof e.node.subject === 'string')).toBe(true);
    // All four 500s were answered, and each read they failed was retried until it succeeded.
    expect(h.emulator.count('messages.get', (r) => r.status === 500)).toBe(4);
    const failedIds = h.emulator.requests
      .filter((r) => r.endpoint === 'messages.get' && r.status === 500)
      .map((r) => r.messageId);
    for (const id of failedIds) {
      expect(h.emulator.count('messages.get', (r) => r.messageId === id && r.status === 200)).toBe(1);
    }
    expect(h.emulator.count('messages.get', (r) => r.status === 200)).toBe(
      response.body.data!.messages.edges.length,
    );
  });

  it('answers UPSTREAM_UNAVAILABLE when Gmail keeps failing, without marking the credential', async () => {
    const { user, token } = await newUser('outage@example.com');
    h.emulator.injectFault('messages.list', { status: 503, times: Infinity });
    expect(errorCodes(await h.graphql(IDS, {}, { token }))).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect((await repository().findById(user.id))?.status).toBe('ACTIVE');
  });

  it('does not mark the credential revoked when the token endpoint answers 500s', async () => {
    const { user, token } = await newUser('tokenless@example.com');
    h.emulator.expireAccessTokens(user.id);
    h.emulator.injectFault('token', { status: 500, times: Infinity });
    h.emulator.clearRequests();
    expect(errorCodes(await h.graphql(IDS, {}, { token }))).toEqual(['UPSTREAM_UNAVAILABLE']);
    // Retried (google-auth-library's own retries, within the gateway's budget), never taken for a revocation.
    // (A faulted request is answered before its body is read, so the log has no grant type for it.)
    expect(h.emulator.count('token', (r) => r.status === 500)).toBeGreaterThan(1);
    expect((await repository().findById(user.id))?.status).toBe('ACTIVE');
    h.emulator.clearFaults();
    expect(errorCodes(await h.graphql(IDS, {}, { token }))).toEqual([]);
  });
});
