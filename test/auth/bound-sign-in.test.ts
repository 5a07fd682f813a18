import { createHash, randomBytes } from 'node:crypto';
import { AuthorizationStateCodec, newSignInSecrets } from '../../src/auth/authorization-state';
import { TokenCipher } from '../../src/credentials/token-cipher';
import { errorCodes, Harness, type Consented } from '../support/harness';

const EXCHANGE = `mutation SignIn($code: String!, $state: String!, $requestSecret: String!) {
  exchangeCode(code: $code, state: $state, requestSecret: $requestSecret) { sessionToken viewer { id email } }
}`;

let h: Harness;
let clock: Date;
beforeAll(async () => {
  clock = new Date();
  h = await Harness.start({ now: () => clock });
});
afterAll(() => h.stop());
beforeEach(() => {
  clock = new Date();
});

/** Document counts of every collection in the gateway's database. */
async function documentCounts(): Promise<Record<string, number>> {
  const collections = await h.db.listCollections({}, { nameOnly: true }).toArray();
  const counts: Record<string, number> = {};
  for (const { name } of collections) counts[name] = await h.db.collection(name).countDocuments();
  return counts;
}

/** How many times the gateway called Google's token endpoint to exchange a code. */
function codeExchanges(): number {
  return h.emulator.count('token', (r) => r.grantType === 'authorization_code');
}

async function consentAs(email: string): Promise<Consented> {
  h.emulator.nextConsent({ email });
  return h.consent({ loginHint: email });
}

describe('a sign-in bound to the browser that started it', () => {
  it('refuses a leaked code and state without the secret, with a wrong one or another sign-in’s, without calling Google; the rightful browser then still signs in', async () => {
    const victim = h.emulator.addUser({ email: 'leaky@example.com' });
    const attacker = h.emulator.addUser({ email: 'eavesdropper@example.com' });
    const leaked = await consentAs(victim.email);
    const attackersOwn = await consentAs(attacker.email);
    h.emulator.clearRequests();
    const before = await documentCounts();

    const missing = await h.graphql(EXCHANGE, { code: leaked.code, state: leaked.state });
    expect(missing.status).toBe(400);
    expect(errorCodes(missing)).toEqual(['BAD_USER_INPUT']);
    for (const requestSecret of [
      '',
      randomBytes(32).toString('base64url'),
      `${leaked.requestSecret.slice(0, -1)}${leaked.requestSecret.endsWith('A') ? 'B' : 'A'}`,
      attackersOwn.requestSecret,
    ]) {
      const response = await h.graphql(EXCHANGE, { code: leaked.code, state: leaked.state, requestSecret });
      expect(errorCodes(response)).toEqual(['INVALID_STATE']);
      expect(response.body.errors?.[0]?.extensions).toMatchObject({
        authorizationUrl: expect.any(String),
        requestSecret: expect.any(String),
      });
    }
    expect(codeExchanges()).toBe(0);
    expect(await documentCounts()).toEqual(before);

    const rightful = await h.graphql<{ exchangeCode: { viewer: { id: string } } }>(EXCHANGE, leaked);
    expect(errorCodes(rightful)).toEqual([]);
    expect(rightful.body.data?.exchangeCode.viewer.id).toBe(victim.id);
    expect(codeExchanges()).toBe(1);
  });

  it('leaves every collection’s document count unchanged after 100 anonymous requests', async () => {
    // Something in every collection first, so that "unchanged" is not trivially "still empty".
    await h.signIn();
    const before = await documentCounts();
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining(['credentials', 'sessions', 'authorizationRequests']),
    );
    h.emulator.clearRequests();

    const requests = Array.from({ length: 100 }, (_, i) => {
      switch (i % 3) {
        case 0:
          return () => h.graphql('{ messages(first: 5) { edges { node { id } } } }');
        case 1:
          return () =>
            h.graphql('query($h: String) { authorizationUrl(loginHint: $h) { url } }', {
              h: `probe${i}@example.com`,
            });
        default:
          return () =>
            h.graphql(EXCHANGE, {
              code: `junk-code-${i}`,
              state: randomBytes(40).toString('base64url'),
              requestSecret: randomBytes(32).toString('base64url'),
            });
      }
    });
    const codes: string[][] = [];
    for (let i = 0; i < requests.length; i += 10) {
      const batch = await Promise.all(requests.slice(i, i + 10).map((send) => send()));
      codes.push(...batch.map(errorCodes));
    }

    expect(new Set(codes.flat())).toEqual(new Set(['UNAUTHENTICATED', 'INVALID_STATE']));
    expect(codes.filter((c) => c.length === 0)).toHaveLength(33);
    expect(await documentCounts()).toEqual(before);
    expect(codeExchanges()).toBe(0);
  });

  it('answers INVALID_STATE for a forged or tampered state, writing nothing and calling no Google', async () => {
    const real = await h.consent();
    // A state sealed, with a secret the forger knows, under a key the gateway does not have.
    const forger = new AuthorizationStateCodec([TokenCipher.generateKey('forger')], randomBytes);
    const secrets = newSignInSecrets(randomBytes);
    const forged = forger.seal({
      expiresAt: new Date(clock.getTime() + 60_000),
      loginHint: null,
      codeVerifier: secrets.codeVerifier,
      requestSecretHash: secrets.requestSecretHash,
    });
    const bytes = Buffer.from(real.state, 'base64url');
    bytes[20] = bytes[20]! ^ 0x01;
    const tampered = bytes.toString('base64url');
    h.emulator.clearRequests();
    const before = await documentCounts();

    for (const [state, requestSecret] of [
      [forged, secrets.requestSecret],
      [tampered, real.requestSecret],
      [real.state.slice(0, -2), real.requestSecret],
    ] as const) {
      expect(errorCodes(await h.graphql(EXCHANGE, { code: real.code, state, requestSecret }))).toEqual([
        'INVALID_STATE',
      ]);
    }
    expect(codeExchanges()).toBe(0);
    expect(await documentCounts()).toEqual(before);
  });

  it('answers INVALID_STATE for an expired state, writing nothing and calling no Google', async () => {
    const consented = await h.consent();
    h.emulator.clearRequests();
    const before = await documentCounts();
    clock = new Date(clock.getTime() + 10 * 60_000);

    expect(errorCodes(await h.graphql(EXCHANGE, consented))).toEqual(['INVALID_STATE']);
    expect(codeExchanges()).toBe(0);
    expect(await documentCounts()).toEqual(before);
  });

  it('opens exactly one session when one state is redeemed 20 times at once', async () => {
    const user = h.emulator.addUser({ email: 'stampede@example.com' });
    const consented = await consentAs(user.email);
    const sessions = () => h.db.collection('sessions').countDocuments();
    const before = await sessions();
    h.emulator.clearRequests();

    const responses = await Promise.all(Array.from({ length: 20 }, () => h.graphql(EXCHANGE, consented)));

    const codes = responses.map(errorCodes);
    expect(codes.filter((c) => c.length === 0)).toHaveLength(1);
    expect(codes.filter((c) => c.length > 0)).toEqual(Array.from({ length: 19 }, () => ['INVALID_STATE']));
    expect(await sessions()).toBe(before + 1);
    expect(codeExchanges()).toBe(1);
    const used = createHash('sha256').update(consented.state).digest('hex');
    expect(await h.db.collection('authorizationRequests').countDocuments({ _id: used as never })).toBe(1);
  });

  it('refuses aliased authorizationUrl and exchangeCode fields with a 400 before any work', async () => {
    h.emulator.clearRequests();
    const before = await documentCounts();
    const urls = await h.graphql('{ a: authorizationUrl { url } b: authorizationUrl { url } }');
    const fragment = await h.graphql(
      '{ ...Start a: authorizationUrl { url } } fragment Start on Query { authorizationUrl { state } }',
    );
    const exchanges = await h.graphql(
      `mutation($c: String!, $s: String!, $r: String!) {
        a: exchangeCode(code: $c, state: $s, requestSecret: $r) { sessionToken }
        b: exchangeCode(code: $c, state: $s, requestSecret: $r) { sessionToken }
      }`,
      { c: 'c', s: 's', r: 'r' },
    );
    for (const response of [urls, fragment, exchanges]) {
      expect(response.status).toBe(400);
      expect(errorCodes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(response.body.data).toBeUndefined();
    }
    // The same field under one response key is one field, run once.
    const merged = await h.graphql(
      '{ ...Start authorizationUrl { url } } fragment Start on Query { authorizationUrl { url } }',
    );
    expect(errorCodes(merged)).toEqual([]);
    expect(codeExchanges()).toBe(0);
    expect(await documentCounts()).toEqual(before);
  });
});
