import { randomBytes } from 'node:crypto';
import { errorCodes, eventually, Harness } from '../support/harness';

const OLD = { id: 'old', key: randomBytes(32) };
const NEW = { id: 'new', key: randomBytes(32) };
const PAGE = '{ messages(first: 3) { edges { node { id subject } } } }';

let before: Harness;
let session: string;
let userId: string;
beforeAll(async () => {
  before = await Harness.start({ encryptionKeys: [OLD] });
  const user = before.emulator.addUser({ email: 'rotator@example.com', messages: 10 });
  userId = user.id;
  session = (await before.signIn(user.email)).token;
});
afterAll(() => before.stop());

/** A second gateway instance on the same database and Google, configured with another keyring. */
function instanceWith(keys: Array<{ id: string; key: Buffer }>): Promise<Harness> {
  return Harness.start({
    encryptionKeys: keys,
    db: { uri: before.dbUri, name: before.dbName },
    google: before.emulator,
  });
}

async function storedKeyIds(): Promise<{ refreshToken: string; accessToken: string }> {
  const raw = await before.db.collection('credentials').findOne({ _id: userId as never });
  const kid = (value: unknown) => String(value).split('.')[1] ?? '';
  return { refreshToken: kid(raw?.refreshToken), accessToken: kid(raw?.accessToken) };
}

describe('TOKEN_ENCRYPTION_KEYS rotation', () => {
  it('reads values written under an old key after a new key is put first, and writes new values with the new key', async () => {
    expect(await storedKeyIds()).toEqual({ refreshToken: 'old', accessToken: 'old' });
    const rotated = await instanceWith([NEW, OLD]);
    try {
      expect(errorCodes(await rotated.graphql(PAGE, {}, { token: session }))).toEqual([]);
      // A refresh writes the new access token: under the new key, while the refresh token stays readable.
      rotated.emulator.expireAccessTokens(userId);
      expect(errorCodes(await rotated.graphql(PAGE, {}, { token: session }))).toEqual([]);
      const ids = await eventually(storedKeyIds, (stored) => stored.accessToken === 'new');
      expect(ids).toEqual({ refreshToken: 'old', accessToken: 'new' });
      expect(errorCodes(await rotated.graphql(PAGE, {}, { token: session }))).toEqual([]);
    } finally {
      await rotated.stop();
    }
  });

  it('marks the credential for re-authorization, without crashing, when no configured key can decrypt it', async () => {
    const forgetful = await instanceWith([{ id: 'other', key: randomBytes(32) }]);
    try {
      const response = await forgetful.graphql(PAGE, {}, { token: session });
      expect(errorCodes(response)).toEqual(['CREDENTIALS_REVOKED']);
      expect(String(response.body.errors![0]!.extensions!.authorizationUrl)).toContain(
        'login_hint=rotator%40example.com',
      );
      expect((await forgetful.graphql('{ viewer { status } }', {}, { token: session })).body.data).toEqual({
        viewer: { status: 'NEEDS_REAUTHORIZATION' },
      });
      const raw = await before.db.collection('credentials').findOne({ _id: userId as never });
      expect(raw).toMatchObject({ status: 'NEEDS_REAUTHORIZATION', statusReason: 'DECRYPTION_FAILED' });
    } finally {
      await forgetful.stop();
    }
  });
});
