import { randomBytes } from 'node:crypto';
import { AuthorizationStateCodec } from '../../src/auth/authorization-state';
import { MongoCredentialRepository } from '../../src/credentials/mongo-credential.repository';
import { TokenCipher } from '../../src/credentials/token-cipher';
import { errorCodes, eventually, Harness, type GraphQLResponse } from '../support/harness';

const EXCHANGE = `mutation SignIn($code: String!, $state: String!, $requestSecret: String!) {
  exchangeCode(code: $code, state: $state, requestSecret: $requestSecret) { sessionToken viewer { id } }
}`;
const PAGE = '{ messages(first: 5) { edges { node { id subject from date snippet labelIds } } } }';

let h: Harness;
beforeAll(async () => {
  h = await Harness.start();
});
afterAll(() => h.stop());

/** The PKCE verifier sealed into a state, read the way only the gateway can (with its keys). */
function sealedVerifier(state: string): string {
  return new AuthorizationStateCodec(h.encryptionKeys, randomBytes).open(state, new Date())!.codeVerifier;
}

describe('secrets', () => {
  it('never logs or returns a token, code, PKCE verifier or request secret, except the session token once', async () => {
    const responses: GraphQLResponse[] = [];
    const call = async (query: string, variables: Record<string, unknown> = {}, token?: string) => {
      const response = await h.graphql(query, variables, token ? { token } : {});
      responses.push(response);
      return response;
    };

    const user = h.emulator.addUser({ email: 'secretive@example.com' });
    h.emulator.nextConsent({ email: user.email });
    const first = await h.consent({ loginHint: user.email });
    const verifier = sealedVerifier(first.state);
    const signIn = await h.graphql<{ exchangeCode: { sessionToken: string } }>(EXCHANGE, first);
    const sessionToken = signIn.body.data!.exchangeCode.sessionToken;

    const repository = new MongoCredentialRepository(h.db, new TokenCipher(h.encryptionKeys));
    const issued = await repository.findById(user.id);

    // Every other kind of request, including a refresh and the error paths that carry the code back.
    await call('{ viewer { id email grantedScopes status } }', {}, sessionToken);
    await call(PAGE, {}, sessionToken);
    h.emulator.expireAccessTokens(user.id);
    await call(PAGE, {}, sessionToken);
    const refreshed = await eventually(
      () => repository.findById(user.id),
      (c) => c?.accessToken !== issued?.accessToken,
    );
    await call(EXCHANGE, first);
    const second = await h.consent({ loginHint: user.email });
    // Replaying a code makes Google revoke what it issued, as the real one does: the grant is gone after this.
    await call(EXCHANGE, { ...second, code: first.code });
    h.emulator.expireAccessTokens(user.id);
    const revoked = await call(PAGE, {}, sessionToken);
    expect(errorCodes(revoked)).toEqual(['CREDENTIALS_REVOKED']);
    await call('mutation { signOut }', {}, sessionToken);

    const secrets = {
      code: first.code,
      verifier,
      requestSecret: first.requestSecret,
      sessionToken,
      refreshToken: issued!.refreshToken!,
      accessToken: issued!.accessToken!,
      refreshedAccessToken: refreshed!.accessToken!,
    };
    expect(secrets.refreshedAccessToken).not.toBe(secrets.accessToken);
    const bodies = responses.map((r) => JSON.stringify(r.body)).join('\n');
    const logs = h.logLines.join('\n');
    expect(h.logLines.length).toBeGreaterThan(5);
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length).toBeGreaterThan(8);
      expect({ name, inLogs: logs.includes(secret) }).toEqual({ name, inLogs: false });
      expect({ name, inResponses: bodies.includes(secret) }).toEqual({ name, inResponses: false });
    }
    expect(JSON.stringify(signIn.body)).toContain(sessionToken);
    // The request secrets that errors hand out with their consent URLs are for the client only, never the log.
    const handedOut = responses.flatMap((r) => (r.body.errors ?? []).map((e) => e.extensions?.requestSecret));
    expect(handedOut.length).toBeGreaterThan(0);
    for (const secret of handedOut) {
      expect(secret).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]{43}$/));
      expect(logs.includes(String(secret))).toBe(false);
    }
  });
});
