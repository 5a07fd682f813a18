import { createHash } from 'node:crypto';
import { MongoCredentialRepository } from '../../src/credentials/mongo-credential.repository';
import { TokenCipher, type EncryptedValue } from '../../src/credentials/token-cipher';
import { errorCodes, eventually, Harness, type GraphQLResponse } from '../support/harness';

const EXCHANGE = `mutation SignIn($code: String!, $state: String!) {
  exchangeCode(code: $code, state: $state) { sessionToken viewer { id } }
}`;
const PAGE = '{ messages(first: 5) { edges { node { id subject from date snippet labelIds } } } }';

let h: Harness;
beforeAll(async () => {
  h = await Harness.start();
});
afterAll(() => h.stop());

/** The PKCE verifier the gateway stored for a state, read the way only the gateway can (with its key). */
async function storedVerifier(state: string): Promise<string> {
  const id = createHash('sha256').update(state).digest('hex');
  const raw = await h.db
    .collection<{ _id: string; codeVerifier: EncryptedValue }>('authorizationRequests')
    .findOne({ _id: id });
  return new TokenCipher(h.encryptionKeys).decrypt(
    raw!.codeVerifier,
    `authorizationRequest.codeVerifier:${id}`,
  );
}

describe('secrets', () => {
  it('never logs or returns a token, code or PKCE verifier, except the session token once', async () => {
    const responses: GraphQLResponse[] = [];
    const call = async (query: string, variables: Record<string, unknown> = {}, token?: string) => {
      const response = await h.graphql(query, variables, token ? { token } : {});
      responses.push(response);
      return response;
    };

    const user = h.emulator.addUser({ email: 'secretive@example.com' });
    h.emulator.nextConsent({ email: user.email });
    const first = await h.consent({ loginHint: user.email });
    const verifier = await storedVerifier(first.state);
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
    await call(EXCHANGE, { code: first.code, state: second.state });
    h.emulator.expireAccessTokens(user.id);
    const revoked = await call(PAGE, {}, sessionToken);
    expect(errorCodes(revoked)).toEqual(['CREDENTIALS_REVOKED']);
    await call('mutation { signOut }', {}, sessionToken);

    const secrets = {
      code: first.code,
      verifier,
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
  });
});
