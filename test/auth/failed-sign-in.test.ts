import { errorCodes, eventually, followConsent, Harness } from '../support/harness';

const GMAIL = 'https://www.googleapis.com/auth/gmail.readonly';
const EXCHANGE = `mutation SignIn($code: String!, $state: String!, $requestSecret: String!) {
  exchangeCode(code: $code, state: $state, requestSecret: $requestSecret) { sessionToken }
}`;

let h: Harness;
beforeAll(async () => {
  h = await Harness.start();
});
afterAll(() => h.stop());

/** The successful revocations of this user's grant, once the gateway's best-effort call has landed. */
function revocationsOf(userId: string) {
  return eventually(
    () => Promise.resolve(h.emulator.requests.filter((r) => r.endpoint === 'revoke' && r.userId === userId)),
    (found) => found.length > 0,
  );
}

describe('tokens Google issued for a sign-in that then fails', () => {
  it('are revoked, by a POST form body, when the user unticked Gmail (INSUFFICIENT_SCOPE)', async () => {
    const user = h.emulator.addUser({ email: 'unticker@example.com' });
    h.emulator.nextConsent({ email: user.email, deniedScopes: [GMAIL] });
    const { code, state, requestSecret } = await h.consent({ loginHint: user.email });

    expect(errorCodes(await h.graphql(EXCHANGE, { code, state, requestSecret }))).toEqual([
      'INSUFFICIENT_SCOPE',
    ]);

    const [revocation, ...more] = await revocationsOf(user.id);
    expect(more).toEqual([]);
    expect(revocation).toMatchObject({ method: 'POST', status: 200, query: {}, formFields: ['token'] });
  });

  it('are revoked when Google sent no refresh token and none is stored (NO_REFRESH_TOKEN)', async () => {
    const user = h.emulator.addUser({ email: 'forgotten@example.com' });
    await h.signIn(user.email);
    await h.db.collection('credentials').deleteOne({ _id: user.id as never });
    // A consent URL without prompt=consent: Google then skips the consent screen and sends no refresh token.
    const started = await h.graphql<{ authorizationUrl: { url: string; requestSecret: string } }>(
      '{ authorizationUrl { url requestSecret } }',
    );
    const url = new URL(started.body.data!.authorizationUrl.url);
    const { requestSecret } = started.body.data!.authorizationUrl;
    url.searchParams.delete('prompt');
    h.emulator.nextConsent({ email: user.email });
    const redirect = await followConsent(url.href);
    const code = redirect.searchParams.get('code');
    const state = redirect.searchParams.get('state');

    expect(errorCodes(await h.graphql(EXCHANGE, { code, state, requestSecret }))).toEqual([
      'NO_REFRESH_TOKEN',
    ]);

    expect(await revocationsOf(user.id)).toEqual([
      expect.objectContaining({ status: 200, query: {}, formFields: ['token'] }),
    ]);
    // With the old grant revoked, the consent the error asks for issues a refresh token again.
    const { token } = await h.signIn(user.email);
    expect((await h.graphql('{ viewer { status } }', {}, { token })).body.data).toEqual({
      viewer: { status: 'ACTIVE' },
    });
  });

  it('still answers the sign-in’s own error when the revocation fails, and logs the failure', async () => {
    const user = h.emulator.addUser({ email: 'unlucky@example.com' });
    h.emulator.nextConsent({ email: user.email, deniedScopes: [GMAIL] });
    const { code, state, requestSecret } = await h.consent({ loginHint: user.email });
    h.emulator.injectFault('revoke', { status: 503, times: 1 });

    expect(errorCodes(await h.graphql(EXCHANGE, { code, state, requestSecret }))).toEqual([
      'INSUFFICIENT_SCOPE',
    ]);

    await eventually(
      () => Promise.resolve(h.logLines.filter((l) => l.includes('revoking the tokens of a failed sign-in'))),
      (lines) => lines.length === 1,
    );
  });
});
