import { errorCodes, Harness } from '../support/harness';

const VIEWER = '{ viewer { id email } }';

let h: Harness;
let clock: Date;
beforeAll(async () => {
  clock = new Date();
  h = await Harness.start({ now: () => clock, sessionTtlSeconds: 3600 });
});
afterAll(() => h.stop());
beforeEach(() => {
  clock = new Date();
});

describe('sessions', () => {
  it('answers viewer: null without a session, with an unknown token and with a malformed header', async () => {
    expect((await h.graphql(VIEWER)).body).toEqual({ data: { viewer: null } });
    expect((await h.graphql(VIEWER, {}, { token: 'gs_unknown' })).body).toEqual({ data: { viewer: null } });
    const odd = await h.graphql(VIEWER, {}, { headers: { authorization: 'Basic Zm9vOmJhcg==' } });
    expect(odd.body).toEqual({ data: { viewer: null } });
  });

  it('answers viewer { id } from the session, and the other fields from the stored credential', async () => {
    const { token, viewer } = await h.signIn();
    expect((await h.graphql('{ viewer { id __typename } }', {}, { token })).body.data).toEqual({
      viewer: { id: viewer.id, __typename: 'Viewer' },
    });
    expect(
      (await h.graphql('{ viewer { ...V } } fragment V on Viewer { id status }', {}, { token })).body.data,
    ).toEqual({
      viewer: { id: viewer.id, status: 'ACTIVE' },
    });
  });

  it('expires a session after SESSION_TTL_SECONDS', async () => {
    const { token } = await h.signIn();
    clock = new Date(clock.getTime() + 3599 * 1000);
    expect((await h.graphql(VIEWER, {}, { token })).body.data).toEqual({
      viewer: { id: h.emulator.demoUser.id, email: h.emulator.demoUser.email },
    });
    clock = new Date(clock.getTime() + 2 * 1000);
    expect((await h.graphql(VIEWER, {}, { token })).body.data).toEqual({ viewer: null });
  });

  it('signOut ends this session only', async () => {
    const a = await h.signIn();
    const b = await h.signIn();
    expect((await h.graphql('mutation { signOut }', {}, { token: a.token })).body.data).toEqual({
      signOut: true,
    });
    expect((await h.graphql(VIEWER, {}, { token: a.token })).body.data).toEqual({ viewer: null });
    expect((await h.graphql(VIEWER, {}, { token: b.token })).body.data).toEqual({
      viewer: expect.objectContaining({ id: b.viewer.id }),
    });
    expect((await h.graphql('mutation { signOut }', {}, { token: a.token })).body.data).toEqual({
      signOut: false,
    });
  });

  it('disconnectGoogle revokes the grant at Google, deletes the credential and every session of the user', async () => {
    const user = h.emulator.addUser({ email: 'leaver@example.com' });
    const a = await h.signIn(user.email);
    const b = await h.signIn(user.email);
    const other = await h.signIn();
    h.emulator.clearRequests();

    const response = await h.graphql('mutation { disconnectGoogle }', {}, { token: a.token });
    expect(response.body).toEqual({ data: { disconnectGoogle: true } });
    expect(h.emulator.count('revoke', (r) => r.status === 200)).toBe(1);
    // The token travels in a form body, never in the URL that proxies log.
    expect(h.emulator.requests.filter((r) => r.endpoint === 'revoke')).toEqual([
      expect.objectContaining({ method: 'POST', query: {}, formFields: ['token'] }),
    ]);
    expect(await h.db.collection('credentials').countDocuments({ _id: user.id as never })).toBe(0);
    expect(await h.db.collection('sessions').countDocuments({ userId: user.id })).toBe(0);
    for (const token of [a.token, b.token]) {
      expect((await h.graphql(VIEWER, {}, { token })).body.data).toEqual({ viewer: null });
    }
    expect((await h.graphql(VIEWER, {}, { token: other.token })).body.data).toEqual({
      viewer: expect.objectContaining({ id: other.viewer.id }),
    });
  });

  it('disconnectGoogle without a session answers UNAUTHENTICATED with a consent URL', async () => {
    const response = await h.graphql('mutation { disconnectGoogle }');
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    expect(String(response.body.errors?.[0]?.extensions?.authorizationUrl)).toContain(
      h.emulator.endpoints.authUrl,
    );
  });

  it('disconnectGoogle keeps everything when Google cannot be reached, so the user can retry', async () => {
    const user = h.emulator.addUser({ email: 'stayer@example.com' });
    const { token } = await h.signIn(user.email);
    h.emulator.injectFault('revoke', { status: 503, times: Infinity });
    try {
      const response = await h.graphql('mutation { disconnectGoogle }', {}, { token });
      expect(errorCodes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
      expect(await h.db.collection('credentials').countDocuments({ _id: user.id as never })).toBe(1);
      expect((await h.graphql(VIEWER, {}, { token })).body.data).toEqual({
        viewer: expect.objectContaining({ id: user.id }),
      });
    } finally {
      h.emulator.clearFaults();
    }
  });
});

describe('a sign-in from a browser that already holds a session', () => {
  it('ends the session sent in the Authorization header once the new one exists', async () => {
    const old = await h.signIn();
    const { code, state, requestSecret } = await h.consent();

    const response = await h.graphql<{ exchangeCode: { sessionToken: string } }>(
      'mutation SignIn($code: String!, $state: String!, $requestSecret: String!) { exchangeCode(code: $code, state: $state, requestSecret: $requestSecret) { sessionToken } }',
      { code, state, requestSecret },
      { token: old.token },
    );

    expect(errorCodes(response)).toEqual([]);
    const renewed = response.body.data!.exchangeCode.sessionToken;
    expect((await h.graphql(VIEWER, {}, { token: old.token })).body.data).toEqual({ viewer: null });
    expect((await h.graphql(VIEWER, {}, { token: renewed })).body.data).toEqual({
      viewer: expect.objectContaining({ id: old.viewer.id }),
    });
  });
});

describe('SESSION_IDLE_SECONDS', () => {
  let idle: Harness;
  let now: Date;
  beforeAll(async () => {
    now = new Date();
    idle = await Harness.start({
      now: () => now,
      sessionTtlSeconds: 7 * 24 * 3600,
      sessionIdleSeconds: 1800,
    });
  });
  afterAll(() => idle.stop());

  it('ends a session unused for SESSION_IDLE_SECONDS with UNAUTHENTICATED and deletes it, while use keeps it alive', async () => {
    const kept = await idle.signIn();
    const idling = await idle.signIn();
    for (let step = 0; step < 4; step++) {
      now = new Date(now.getTime() + 1000 * 1000);
      expect((await idle.graphql(VIEWER, {}, { token: kept.token })).body.data).toEqual({
        viewer: expect.objectContaining({ id: kept.viewer.id }),
      });
    }

    const refused = await idle.graphql(
      '{ messages(first: 1) { edges { cursor } } }',
      {},
      { token: idling.token },
    );

    expect(errorCodes(refused)).toEqual(['UNAUTHENTICATED']);
    expect(await idle.db.collection('sessions').countDocuments({})).toBe(1);
    expect((await idle.graphql(VIEWER, {}, { token: kept.token })).body.data).toEqual({
      viewer: expect.objectContaining({ id: kept.viewer.id }),
    });
  });
});
