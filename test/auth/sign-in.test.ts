import { createHash } from 'node:crypto';
import { OAuth2Client } from 'google-auth-library';
import { MongoCredentialRepository } from '../../src/credentials/mongo-credential.repository';
import { TokenCipher } from '../../src/credentials/token-cipher';
import {
  CLIENT,
  errorCodes,
  followConsent,
  Harness,
  REDIRECT_URI,
  type GraphQLResponse,
} from '../support/harness';

const GMAIL = 'https://www.googleapis.com/auth/gmail.readonly';
const EXCHANGE = `mutation SignIn($code: String!, $state: String!, $requestSecret: String!) {
  exchangeCode(code: $code, state: $state, requestSecret: $requestSecret) {
    sessionToken viewer { id email status grantedScopes }
  }
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

function repository(): MongoCredentialRepository {
  return new MongoCredentialRepository(h.db, new TokenCipher(h.encryptionKeys));
}

/**
 * The error's consent URL must be usable right now: the emulator consents and redirects with a code, and the
 * error's request secret completes that sign-in. Returns the URL; the sign-in it completes is `signedIn`.
 */
async function expectWorkingConsentUrl(response: GraphQLResponse, code: string) {
  expect(errorCodes(response)).toEqual([code]);
  const extensions = response.body.errors?.[0]?.extensions;
  const url = new URL(String(extensions?.authorizationUrl));
  expect(url.origin + url.pathname).toBe(h.emulator.endpoints.authUrl);
  const requestSecret = String(extensions?.requestSecret);
  expect(Buffer.from(requestSecret, 'base64url').length).toBeGreaterThanOrEqual(32);
  expect(url.href).not.toContain(requestSecret);
  const redirect = await followConsent(url.href);
  expect(redirect.origin + redirect.pathname).toBe(REDIRECT_URI);
  expect(redirect.searchParams.get('code')).toBeTruthy();
  expect(redirect.searchParams.get('state')).toBe(url.searchParams.get('state'));
  return Object.assign(url, {
    signIn: () =>
      h.graphql(EXCHANGE, {
        code: redirect.searchParams.get('code'),
        state: redirect.searchParams.get('state'),
        requestSecret,
      }),
  });
}

describe('authorizationUrl', () => {
  it('returns a Google consent URL with offline access, PKCE S256, a sealed state and a 256-bit request secret kept out of the URL', async () => {
    const response = await h.graphql<{
      authorizationUrl: { url: string; state: string; requestSecret: string; expiresAt: string };
    }>('{ authorizationUrl(loginHint: "someone@example.com") { url state requestSecret expiresAt } }');
    const request = response.body.data!.authorizationUrl;
    const url = new URL(request.url);
    expect(url.origin + url.pathname).toBe(h.emulator.endpoints.authUrl);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: CLIENT.clientId,
      redirect_uri: REDIRECT_URI,
      access_type: 'offline',
      include_granted_scopes: 'true',
      login_hint: 'someone@example.com',
      state: request.state,
      code_challenge_method: 'S256',
    });
    // Anonymous: Google decides whether to show its consent screen (see the enumeration probe below).
    expect(url.searchParams.has('prompt')).toBe(false);
    expect(url.searchParams.get('scope')?.split(' ')).toContain(GMAIL);
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(request.state, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(request.requestSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(request.requestSecret, 'base64url').length).toBe(32);
    expect(request.url).not.toContain(request.requestSecret);
    expect(request.state).not.toContain(request.requestSecret);
    const expiresIn = Date.parse(request.expiresAt) - clock.getTime();
    expect(expiresIn).toBe(10 * 60 * 1000);
  });

  it('gives a different state and challenge each time', async () => {
    const query = '{ authorizationUrl { url state } }';
    const [a, b] = await Promise.all([h.graphql(query), h.graphql(query)]);
    const urlA = new URL((a.body.data as { authorizationUrl: { url: string } }).authorizationUrl.url);
    const urlB = new URL((b.body.data as { authorizationUrl: { url: string } }).authorizationUrl.url);
    expect(urlA.searchParams.get('state')).not.toBe(urlB.searchParams.get('state'));
    expect(urlA.searchParams.get('code_challenge')).not.toBe(urlB.searchParams.get('code_challenge'));
  });

  it('answers the enumeration probe with the same URL shape for a known and an unknown address', async () => {
    const user = h.emulator.addUser({ email: 'returning@example.com' });
    await h.signIn(user.email);
    const shape = async (hint: string) => {
      const response = await h.graphql<{ authorizationUrl: { url: string; state: string } }>(
        'query($h: String) { authorizationUrl(loginHint: $h) { url state } }',
        { h: hint },
      );
      const request = response.body.data!.authorizationUrl;
      const params = Object.fromEntries(new URL(request.url).searchParams);
      const { state, code_challenge: challenge, login_hint: hint_, ...rest } = params;
      expect({ state, challenge, hint_ }).toEqual({
        state: request.state,
        challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        hint_: hint,
      });
      return { params: rest, stateLength: request.state.length };
    };
    // Two addresses of one length: the sealed state's length follows the hint's, and only that.
    const known = await shape('returning@example.com');
    const unknown = await shape('strangers@example.com');
    expect(await h.db.collection('credentials').countDocuments({ email: 'returning@example.com' })).toBe(1);
    expect(unknown).toEqual(known);
    expect(known.params).not.toHaveProperty('prompt');
  });

  it('rejects an oversize or control-character loginHint with BAD_USER_INPUT', async () => {
    for (const hint of ['x'.repeat(400), 'a\u0000b@example.com']) {
      const response = await h.graphql('query($h: String) { authorizationUrl(loginHint: $h) { url } }', {
        h: hint,
      });
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    }
  });
});

describe('exchangeCode', () => {
  it('signs in: stores the credential, returns a session token once, and viewer works with it', async () => {
    const { code, state, requestSecret } = await h.consent();
    const response = await h.graphql<{
      exchangeCode: {
        sessionToken: string;
        viewer: { id: string; email: string; status: string; grantedScopes: string[] };
      };
    }>(EXCHANGE, { code, state, requestSecret });
    const payload = response.body.data!.exchangeCode;
    expect(payload.viewer).toMatchObject({
      id: h.emulator.demoUser.id,
      email: h.emulator.demoUser.email,
      status: 'ACTIVE',
    });
    expect(payload.viewer.grantedScopes).toContain(GMAIL);
    expect(payload.sessionToken).toMatch(/^gs_/);

    const viewer = await h.graphql('{ viewer { id email status } }', {}, { token: payload.sessionToken });
    expect(viewer.body.data).toEqual({
      viewer: { id: h.emulator.demoUser.id, email: h.emulator.demoUser.email, status: 'ACTIVE' },
    });
  });

  it('sends the PKCE verifier that matches the challenge (the emulator requires and checks it)', async () => {
    h.emulator.clearRequests();
    await h.signIn();
    const consent = h.emulator.requests.find((r) => r.endpoint === 'auth');
    expect(consent?.query).toMatchObject({ code_challenge_method: 'S256' });
    expect(consent?.query['code_challenge']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const exchanges = h.emulator.requests.filter(
      (r) => r.endpoint === 'token' && r.grantType === 'authorization_code',
    );
    // The emulator answers invalid_grant to a missing or wrong verifier for a code issued with a challenge.
    expect(exchanges).toEqual([expect.objectContaining({ status: 200 })]);
    expect(exchanges[0]!.formFields).toContain('code_verifier');
  });

  it('answers INVALID_STATE with a working consent URL for an unknown state', async () => {
    const { code, requestSecret } = await h.consent();
    await expectWorkingConsentUrl(
      await h.graphql(EXCHANGE, { code, state: 'not-a-state', requestSecret }),
      'INVALID_STATE',
    );
  });

  it('answers INVALID_STATE when a state is replayed', async () => {
    const consented = await h.consent();
    expect(errorCodes(await h.graphql(EXCHANGE, consented))).toEqual([]);
    await expectWorkingConsentUrl(await h.graphql(EXCHANGE, consented), 'INVALID_STATE');
  });

  it('answers INVALID_STATE when the state expired (after 10 minutes)', async () => {
    const consented = await h.consent();
    clock = new Date(clock.getTime() + 10 * 60 * 1000 + 1);
    await expectWorkingConsentUrl(await h.graphql(EXCHANGE, consented), 'INVALID_STATE');
  });

  it('answers CODE_EXCHANGE_FAILED with a working consent URL when a code is replayed', async () => {
    const first = await h.consent();
    expect(errorCodes(await h.graphql(EXCHANGE, first))).toEqual([]);
    const second = await h.consent();
    await expectWorkingConsentUrl(
      await h.graphql(EXCHANGE, { ...second, code: first.code }),
      'CODE_EXCHANGE_FAILED',
    );
  });

  it('answers CODE_EXCHANGE_FAILED for a forged code', async () => {
    const consented = await h.consent();
    await expectWorkingConsentUrl(
      await h.graphql(EXCHANGE, { ...consented, code: 'forged' }),
      'CODE_EXCHANGE_FAILED',
    );
  });

  it('answers INSUFFICIENT_SCOPE with a prompt=consent URL when the user unticks Gmail', async () => {
    const user = h.emulator.addUser({ email: 'unticker@example.com' });
    h.emulator.nextConsent({ email: user.email, deniedScopes: [GMAIL] });
    const consented = await h.consent({ loginHint: user.email });
    const url = await expectWorkingConsentUrl(await h.graphql(EXCHANGE, consented), 'INSUFFICIENT_SCOPE');
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(await repository().findById(user.id)).toBeNull();
  });

  it('keeps the stored refresh token when a returning user comes back without a new one', async () => {
    const user = h.emulator.addUser({ email: 'keeper@example.com' });
    await h.signIn(user.email);
    const before = await repository().findById(user.id);
    h.emulator.clearRequests();
    const { token } = await h.signIn(user.email);
    // No prompt=consent was asked for, so Google sent no refresh token this time.
    expect(h.emulator.count('token', (r) => r.grantType === 'authorization_code')).toBe(1);
    const after = await repository().findById(user.id);
    expect(after?.refreshToken).toBe(before?.refreshToken);
    expect(after?.accessToken).not.toBe(before?.accessToken);
    expect((await h.graphql('{ viewer { status } }', {}, { token })).body.data).toEqual({
      viewer: { status: 'ACTIVE' },
    });
  });

  it('answers NO_REFRESH_TOKEN with a prompt=consent URL for a new user Google sends none for', async () => {
    // A user who granted this app before, outside this gateway's database, so Google sends no refresh token
    // unless asked for consent again.
    const known = h.emulator.addUser({ email: 'known@example.com' });
    const stranger = h.emulator.addUser({ email: 'stranger@example.com' });
    await h.signIn(known.email);
    await h.signIn(stranger.email);
    await h.db.collection('credentials').deleteOne({ _id: stranger.id as never });

    h.emulator.nextConsent({ email: stranger.email });
    const consented = await h.consent({ loginHint: known.email });
    const response = await h.graphql(EXCHANGE, consented);
    const url = await expectWorkingConsentUrl(response, 'NO_REFRESH_TOKEN');
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(url.searchParams.get('login_hint')).toBe(stranger.email);
    expect(await repository().findById(stranger.id)).toBeNull();
  });

  it('makes a NEEDS_REAUTHORIZATION credential ACTIVE again on a new consent after Google dropped the grant', async () => {
    const user = h.emulator.addUser({ email: 'lapsed@example.com' });
    await h.signIn(user.email);
    h.emulator.revokeGrant(user.id);
    await repository().markNeedsReauthorization(user.id, 'REFRESH_TOKEN_REVOKED');
    const { token, viewer } = await h.signIn(user.email);
    expect(viewer.id).toBe(user.id);
    expect((await h.graphql('{ viewer { status } }', {}, { token })).body.data).toEqual({
      viewer: { status: 'ACTIVE' },
    });
    expect((await repository().findById(user.id))?.refreshToken).toEqual(expect.any(String));
  });

  it('asks for consent through NO_REFRESH_TOKEN when the grant still lives at Google but the stored refresh token is gone', async () => {
    const user = h.emulator.addUser({ email: 'halfway@example.com' });
    await h.signIn(user.email);
    await repository().markNeedsReauthorization(user.id, 'DECRYPTION_FAILED');
    // An anonymous consent URL does not know this (it must not), so Google sends no refresh token this time.
    h.emulator.nextConsent({ email: user.email });
    const consented = await h.consent({ loginHint: user.email });
    h.emulator.nextConsent({ email: user.email });
    const url = await expectWorkingConsentUrl(await h.graphql(EXCHANGE, consented), 'NO_REFRESH_TOKEN');
    expect(url.searchParams.get('prompt')).toBe('consent');

    const again = await url.signIn();
    expect(errorCodes(again)).toEqual([]);
    expect(await repository().findById(user.id)).toMatchObject({
      status: 'ACTIVE',
      refreshToken: expect.any(String),
    });
  });

  it('leaves exactly one credential, with working tokens, after two concurrent exchanges for one user', async () => {
    const user = h.emulator.addUser({ email: 'racer@example.com' });
    h.emulator.nextConsent({ email: user.email });
    const a = await h.consent({ loginHint: user.email });
    h.emulator.nextConsent({ email: user.email });
    const b = await h.consent({ loginHint: user.email });
    const responses = await Promise.all([h.graphql(EXCHANGE, a), h.graphql(EXCHANGE, b)]);
    expect(responses.map(errorCodes)).toEqual([[], []]);
    expect(await h.db.collection('credentials').countDocuments({ _id: user.id as never })).toBe(1);

    const stored = await repository().findById(user.id);
    const client = new OAuth2Client({
      clientId: CLIENT.clientId,
      clientSecret: CLIENT.clientSecret,
      endpoints: { oauth2TokenUrl: h.emulator.endpoints.tokenUrl },
    });
    client.setCredentials({ refresh_token: stored!.refreshToken });
    await expect(client.refreshAccessToken()).resolves.toBeDefined();
  });

  it('rejects an empty or oversize code with BAD_USER_INPUT, and an oversize state as INVALID_STATE', async () => {
    const secret = { requestSecret: 'r' };
    expect(errorCodes(await h.graphql(EXCHANGE, { code: '', state: 's', ...secret }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(errorCodes(await h.graphql(EXCHANGE, { code: 'c'.repeat(5000), state: 's', ...secret }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(errorCodes(await h.graphql(EXCHANGE, { code: 'c', state: 's'.repeat(5000), ...secret }))).toEqual([
      'INVALID_STATE',
    ]);
  });
});

describe('stored credentials', () => {
  it('holds no token in plaintext in the raw MongoDB documents', async () => {
    const { viewer } = await h.signIn();
    const credential = await repository().findById(viewer.id);
    const raw = JSON.stringify(await h.db.collection('credentials').findOne({ _id: viewer.id as never }));
    expect(credential?.refreshToken).toBeTruthy();
    expect(raw).not.toContain(credential!.refreshToken);
    expect(raw).not.toContain(credential!.accessToken);
  });

  it('keeps sessions and used states only as hashes, and never the request secret', async () => {
    const consented = await h.consent();
    const signIn = await h.graphql<{ exchangeCode: { sessionToken: string } }>(EXCHANGE, consented);
    const token = signIn.body.data!.exchangeCode.sessionToken;
    const sessions = JSON.stringify(await h.db.collection('sessions').find().toArray());
    const requests = await h.db.collection('authorizationRequests').find().toArray();
    expect(sessions).not.toContain(token);
    expect(sessions).not.toContain(token.slice(3));
    expect(requests.map((r) => r._id)).toContain(createHash('sha256').update(consented.state).digest('hex'));
    for (const secret of [consented.state, consented.requestSecret, consented.code]) {
      expect(JSON.stringify(requests)).not.toContain(secret);
      expect(sessions).not.toContain(secret);
    }
  });
});
