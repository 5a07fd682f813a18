import { errorCodes, eventually, Harness } from '../support/harness';

// Two gateway instances sharing one database, each with its session cache polling the revocations feed. The
// rule: a session ended through one instance is refused by it at once and by the other within a second. The
// waits below are generous correctness waits (the machine is shared), never timings.

const VIEWER = '{ viewer { id } }';
const IDS = 'query { messages(first: 2) { edges { node { id } } } }';
const WITHIN_THE_RULE_MS = 5000;

let a: Harness;
let b: Harness;
beforeAll(async () => {
  a = await Harness.start();
  b = await Harness.start({ db: { uri: a.dbUri, name: a.dbName }, google: a.emulator });
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

async function viewerId(h: Harness, token: string): Promise<string | null> {
  const response = await h.graphql<{ viewer: { id: string } | null }>(VIEWER, {}, { token });
  expect(errorCodes(response)).toEqual([]);
  return response.body.data!.viewer?.id ?? null;
}

/** The viewer as `h` answers it once `done` holds, or as it last answered when the wait ran out. */
function viewerOnceSettled(h: Harness, token: string): Promise<string | null> {
  return eventually(
    () => viewerId(h, token),
    (id) => id === null,
    WITHIN_THE_RULE_MS,
  );
}

describe('sessions cached on two instances', () => {
  it('refuses a signed-out session at once on the instance that signed it out, and within the rule on the other', async () => {
    const { token, viewer } = await a.signIn();
    const { token: otherTab } = await a.signIn();
    expect(await viewerId(a, token)).toBe(viewer.id);
    expect(await viewerId(b, token)).toBe(viewer.id);

    const signedOut = await a.graphql('mutation { signOut }', {}, { token });
    expect(signedOut.body.data).toEqual({ signOut: true });

    expect(await viewerId(a, token)).toBeNull();
    expect(await viewerOnceSettled(b, token)).toBeNull();
    expect(await viewerId(b, otherTab)).toBe(viewer.id);
  });

  it('refuses every session of a disconnected user on both instances', async () => {
    const user = a.emulator.addUser({ email: 'leaving-two-instances@example.com' });
    const first = await a.signIn(user.email);
    const second = await a.signIn(user.email);
    for (const { token } of [first, second]) {
      expect(await viewerId(a, token)).toBe(user.id);
      expect(await viewerId(b, token)).toBe(user.id);
    }

    const response = await b.graphql('mutation { disconnectGoogle }', {}, { token: first.token });
    expect(response.body).toEqual({ data: { disconnectGoogle: true } });

    for (const { token } of [first, second]) expect(await viewerId(b, token)).toBeNull();
    for (const { token } of [first, second]) expect(await viewerOnceSettled(a, token)).toBeNull();
  });

  it('refuses on the other instance the session a new sign-in replaced', async () => {
    const old = await a.signIn();
    expect(await viewerId(b, old.token)).toBe(old.viewer.id);
    const { code, state, requestSecret } = await a.consent();

    const exchanged = await a.graphql<{ exchangeCode: { sessionToken: string } }>(
      'mutation ($code: String!, $state: String!, $secret: String!) { exchangeCode(code: $code, state: $state, requestSecret: $secret) { sessionToken } }',
      { code, state, secret: requestSecret },
      { token: old.token },
    );
    expect(errorCodes(exchanged)).toEqual([]);

    expect(await viewerId(a, old.token)).toBeNull();
    expect(await viewerOnceSettled(b, old.token)).toBeNull();
    expect(await viewerId(b, exchanged.body.data!.exchangeCode.sessionToken)).toBe(old.viewer.id);
  });

  it('refuses on both instances the sessions ended because Google revoked the grant (invalid_grant)', async () => {
    const user = a.emulator.addUser({ email: 'revoked-two-instances@example.com' });
    const { token } = await a.signIn(user.email);
    expect(await viewerId(b, token)).toBe(user.id);

    a.emulator.revokeGrant(user.id);
    expect(errorCodes(await a.graphql(IDS, {}, { token }))).toEqual(['CREDENTIALS_REVOKED']);

    expect(await viewerId(a, token)).toBeNull();
    expect(await viewerOnceSettled(b, token)).toBeNull();
  });

  it('hears of sign-outs from an instance that caches nothing itself (SESSION_CACHE_ENABLED=false)', async () => {
    const uncached = await Harness.start({
      db: { uri: a.dbUri, name: a.dbName },
      google: a.emulator,
      env: { SESSION_CACHE_ENABLED: 'false' },
    });
    try {
      const user = a.emulator.addUser({ email: 'uncached-instance@example.com' });
      const { token } = await uncached.signIn(user.email);
      expect(await viewerId(b, token)).toBe(user.id);

      expect((await uncached.graphql('mutation { signOut }', {}, { token })).body.data).toEqual({
        signOut: true,
      });

      expect(await viewerId(uncached, token)).toBeNull();
      expect(await viewerOnceSettled(b, token)).toBeNull();
    } finally {
      await uncached.stop();
    }
  });
});
