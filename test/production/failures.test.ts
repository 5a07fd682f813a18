import { errorCodes, eventually, Harness } from '../support/harness';

const PAGE = '{ messages(first: 5) { edges { node { id subject } } } }';
const ownServer = !process.env.MONGODB_URI;

describe('when MongoDB goes away', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(() => h.stop());

  (ownServer ? it : it.skip)(
    'answers UPSTREAM_UNAVAILABLE within two seconds and /readyz 503, then recovers without a restart',
    async () => {
      const { token } = await h.signIn();
      expect(errorCodes(await h.graphql(PAGE, {}, { token }))).toEqual([]);

      await h.mongoServer!.suspend();
      try {
        const started = Date.now();
        const response = await h.graphql(PAGE, {}, { token });
        const elapsed = Date.now() - started;
        expect(response.status).toBeLessThan(500);
        expect(errorCodes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
        expect(JSON.stringify(response.body)).not.toMatch(/Mongo|ECONNREFUSED|127\.0\.0\.1/);
        // The contract's bound, from the driver's serverSelectionTimeoutMS (1.5 s), not a speed target.
        expect(elapsed).toBeLessThan(2000);
        expect((await fetch(`${h.url}/readyz`)).status).toBe(503);
        expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
      } finally {
        await h.mongoServer!.resume();
      }

      let ready = 0;
      for (let i = 0; i < 100 && ready !== 200; i++) {
        ready = (await fetch(`${h.url}/readyz`)).status;
        if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(ready).toBe(200);
      expect(errorCodes(await h.graphql(PAGE, {}, { token }))).toEqual([]);
    },
  );
});

describe('two gateway instances sharing one MongoDB', () => {
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    a = await Harness.start();
    b = await Harness.start({
      db: { uri: a.dbUri, name: a.dbName },
      google: a.emulator,
      encryptionKeys: a.encryptionKeys,
    });
  });
  afterAll(async () => {
    await b.stop();
    await a.stop();
  });

  it('accept each other’s sessions and cursors', async () => {
    const { token } = await a.signIn();
    const first = await a.graphql<{ messages: { pageInfo: { endCursor: string } } }>(
      '{ messages(first: 3) { pageInfo { endCursor } } }',
      {},
      { token },
    );
    const next = await b.graphql(
      'query($after: String) { messages(first: 3, after: $after) { edges { node { id } } } }',
      { after: first.body.data!.messages.pageInfo.endCursor },
      { token },
    );
    expect(errorCodes(next)).toEqual([]);
    expect((await b.graphql('{ viewer { email } }', {}, { token })).body.data).toEqual({
      viewer: { email: a.emulator.demoUser.email },
    });
  });

  it('honour a revocation that only one of them saw, without calling Google', async () => {
    const user = a.emulator.addUser({ email: 'shared@example.com', messages: 10 });
    const { token } = await a.signIn(user.email);
    expect(errorCodes(await b.graphql(PAGE, {}, { token }))).toEqual([]);

    a.emulator.revokeGrant(user.id);
    expect(errorCodes(await a.graphql(PAGE, {}, { token }))).toEqual(['CREDENTIALS_REVOKED']);
    a.emulator.clearRequests();
    // The revocation ended the user's sessions, which every instance shares: b refuses them within a second
    // (its session cache follows the revocations feed), and meanwhile answers from the stored credential, which
    // already says NEEDS_REAUTHORIZATION. Either way b never reaches Google for them.
    const answered: string[][] = [];
    await eventually(
      async () => {
        answered.push(errorCodes(await b.graphql(PAGE, {}, { token })));
        return answered.at(-1)!;
      },
      (codes) => codes[0] === 'UNAUTHENTICATED',
      5000,
    );
    expect(answered.at(-1)).toEqual(['UNAUTHENTICATED']);
    for (const codes of answered.slice(0, -1)) expect(codes).toEqual(['CREDENTIALS_REVOKED']);
    expect(a.emulator.requests.filter((r) => r.endpoint !== 'auth')).toEqual([]);
    expect(await b.db.collection('credentials').findOne({ _id: user.id as never })).toMatchObject({
      status: 'NEEDS_REAUTHORIZATION',
      statusReason: 'REFRESH_TOKEN_REVOKED',
    });
  });

  it('end a signed-out session on both', async () => {
    const { token } = await a.signIn();
    expect((await b.graphql('mutation { signOut }', {}, { token })).body.data).toEqual({ signOut: true });
    expect((await a.graphql('{ viewer { id } }', {}, { token })).body.data).toEqual({ viewer: null });
  });
});
