import { randomBytes } from 'node:crypto';
import type { Document } from 'mongodb';
import { rewrapStoredTokens } from '../../scripts/rewrap/rewrap';
import { loadConfig, type EncryptionKey } from '../../src/config';
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
function instanceWith(keys: readonly EncryptionKey[]): Promise<Harness> {
  return Harness.start({
    encryptionKeys: keys,
    db: { uri: before.dbUri, name: before.dbName },
    google: before.emulator,
  });
}

const rawCredential = (): Promise<Document | null> =>
  before.db.collection('credentials').findOne({ _id: userId as never });

async function storedKeyIds(): Promise<{ refreshToken: string; accessToken: string }> {
  const raw = await rawCredential();
  const kid = (value: unknown) => String(value).split('.')[1] ?? '';
  return { refreshToken: kid(raw?.['refreshToken']), accessToken: kid(raw?.['accessToken']) };
}

const keyring = (keys: readonly EncryptionKey[]) =>
  keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');

describe('TOKEN_ENCRYPTION_KEYS rotation', () => {
  it('in a rolling rotation ([old] and [new, old] on one database) an old instance fails reads of new values with UPSTREAM_UNAVAILABLE, writes nothing, and the new instance still reads mail', async () => {
    expect(await storedKeyIds()).toEqual({ refreshToken: 'old', accessToken: 'old' });
    const rotated = await instanceWith([NEW, OLD]);
    try {
      expect(errorCodes(await rotated.graphql(PAGE, {}, { token: session }))).toEqual([]);
      // A refresh through the new instance rewrites the access token under the new key.
      rotated.emulator.expireAccessTokens(userId);
      expect(errorCodes(await rotated.graphql(PAGE, {}, { token: session }))).toEqual([]);
      await eventually(storedKeyIds, (stored) => stored.accessToken === 'new');
      expect(await storedKeyIds()).toEqual({ refreshToken: 'old', accessToken: 'new' });
      const stored = await rawCredential();

      const refused = await before.graphql(PAGE, {}, { token: session });

      expect(errorCodes(refused)).toEqual(['UPSTREAM_UNAVAILABLE']);
      expect(await rawCredential()).toEqual(stored);
      const logged = before.logLines.filter((line) => line.includes('"keyId":"new"'));
      expect(logged).toHaveLength(1);
      expect(JSON.parse(logged[0]!)).toMatchObject({ level: 'error', userId, field: 'accessToken' });
      for (const key of [OLD, NEW]) {
        expect(before.logLines.join('\n')).not.toContain(key.key.toString('base64'));
      }
      expect((await before.graphql('{ viewer { status } }', {}, { token: session })).body.errors).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE' }) }),
      ]);
      // The new instance, which holds both keys, still reads the mailbox.
      expect(errorCodes(await rotated.graphql(PAGE, {}, { token: session }))).toEqual([]);
      expect(await rawCredential()).toMatchObject({ status: 'ACTIVE', statusReason: null });
    } finally {
      await rotated.stop();
    }
  });

  it('refuses to start, naming the missing key ids, when stored values name a key id the keyring lacks', async () => {
    expect(await storedKeyIds()).toEqual({ refreshToken: 'old', accessToken: 'new' });
    const stored = await rawCredential();

    await expect(instanceWith([{ id: 'other', key: randomBytes(32) }])).rejects.toThrow(
      'stored credentials are encrypted under key ids that TOKEN_ENCRYPTION_KEYS lacks: new, old;',
    );
    await expect(instanceWith([NEW])).rejects.toThrow(/lacks: old;/);
    expect(await rawCredential()).toEqual(stored);
  });

  it('after the two phases and npm run rewrap, an instance with only the new key reads mail', async () => {
    // Phase 1 (new key decrypt-only: after the current one) and phase 2 (new key first) both read everything.
    for (const keys of [
      [OLD, NEW],
      [NEW, OLD],
    ]) {
      const instance = await instanceWith(keys);
      try {
        expect(errorCodes(await instance.graphql(PAGE, {}, { token: session }))).toEqual([]);
      } finally {
        await instance.stop();
      }
    }
    const config = loadConfig({
      MONGODB_URI: before.dbUri,
      MONGODB_DB: before.dbName,
      TOKEN_ENCRYPTION_KEYS: keyring([NEW, OLD]),
    });

    expect(await rewrapStoredTokens(config)).toEqual({ rewrapped: 1, unreadable: 0, changedMeanwhile: 0 });
    expect(await rewrapStoredTokens(config)).toEqual({ rewrapped: 0, unreadable: 0, changedMeanwhile: 0 });

    expect(await storedKeyIds()).toEqual({ refreshToken: 'new', accessToken: 'new' });
    const newOnly = await instanceWith([NEW]);
    try {
      newOnly.emulator.expireAccessTokens(userId);
      expect(errorCodes(await newOnly.graphql(PAGE, {}, { token: session }))).toEqual([]);
    } finally {
      await newOnly.stop();
    }
  });

  it('quarantines an access token that fails authentication and refreshes it, keeping the refresh token', async () => {
    const newOnly = await instanceWith([NEW]);
    try {
      const stored = await rawCredential();
      // A valid value under the current key, but bound to another field: it cannot authenticate here.
      await before.db
        .collection('credentials')
        .updateOne({ _id: userId as never }, { $set: { accessToken: stored?.['refreshToken'] } });

      expect(errorCodes(await newOnly.graphql(PAGE, {}, { token: session }))).toEqual([]);

      const after = await eventually(rawCredential, (raw) => typeof raw?.['accessToken'] === 'string');
      expect(after).toMatchObject({
        status: 'ACTIVE',
        refreshToken: stored?.['refreshToken'],
        quarantined: { accessToken: { value: stored?.['refreshToken'], reason: 'AUTHENTICATION_FAILED' } },
      });
      expect(after?.['accessToken']).not.toBe(stored?.['refreshToken']);
    } finally {
      await newOnly.stop();
    }
  });
});
