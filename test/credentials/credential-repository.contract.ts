import type { Collection, Db, Document } from 'mongodb';
import type { EncryptionKey } from '../../src/config';
import type {
  ConsentGrant,
  CredentialRepository,
  ReauthorizationReason,
} from '../../src/credentials/credential.repository';
import { TokenCipher } from '../../src/credentials/token-cipher';
import { rawDocumentContains, TestClock } from '../support/mongo-target';

/** What a setup hands the contract suite: a way to build the implementation, and the raw database under it. */
export interface CredentialRepositoryHarness {
  readonly db: Db;
  /** Where the implementation keeps credentials, read directly by the suite. */
  readonly collectionName: string;
  /** A repository over `db` with this keyring (first key encrypts) and clock. */
  create(deps: { readonly keys: readonly EncryptionKey[]; readonly now: () => Date }): CredentialRepository;
  close(): Promise<void>;
}

const ada = {
  userId: '104811300000000000001',
  email: 'Ada.Lovelace@Example.com',
  refreshToken: '1//0ada-refresh-token-first-consent',
  accessToken: 'ya29.ada-access-token-first-consent',
};
const grace = {
  userId: '104811300000000000002',
  email: 'grace@example.org',
  refreshToken: '1//0grace-refresh-token',
  accessToken: 'ya29.grace-access-token',
};
const SCOPES = ['https://www.googleapis.com/auth/gmail.readonly', 'openid'];
const HOUR = 3600_000;

/**
 * The CredentialRepository contract, in the manner of Auth.js's adapter tests: behaviour through the interface,
 * and what was actually written checked by reading the collection directly.
 */
export function credentialRepositoryContract(
  implementation: string,
  setup: () => Promise<CredentialRepositoryHarness>,
): void {
  describe(`${implementation} (CredentialRepository contract)`, () => {
    const clock = new TestClock();
    const oldKey = TokenCipher.generateKey('2025-11');
    const newKey = TokenCipher.generateKey('2026-03');
    let harness: CredentialRepositoryHarness;
    let raw: Collection<Document>;
    let repository: CredentialRepository;

    const rawCredential = (userId: string) => raw.findOne({ _id: userId as unknown as Document['_id'] });
    const grant = (overrides: Partial<ConsentGrant> = {}): ConsentGrant => ({
      ...ada,
      scopes: SCOPES,
      accessTokenExpiresAt: new Date(clock.now().getTime() + HOUR),
      issuedAt: clock.now(),
      ...overrides,
    });

    beforeAll(async () => {
      harness = await setup();
      raw = harness.db.collection(harness.collectionName);
    });

    afterAll(async () => {
      await harness?.close();
    });

    beforeEach(async () => {
      await raw.deleteMany({});
      clock.set(new Date('2026-03-01T09:00:00.000Z'));
      repository = harness.create({ keys: [oldKey], now: clock.now });
      await repository.ensureIndexes();
    });

    describe('saveConsent', () => {
      it('creates an ACTIVE credential and returns it with its tokens', async () => {
        const saved = await repository.saveConsent(grant());

        expect(saved).toEqual({
          userId: ada.userId,
          email: ada.email,
          refreshToken: ada.refreshToken,
          accessToken: ada.accessToken,
          accessTokenExpiresAt: new Date('2026-03-01T10:00:00.000Z'),
          scopes: SCOPES,
          status: 'ACTIVE',
          statusReason: null,
          tokensIssuedAt: new Date('2026-03-01T09:00:00.000Z'),
          createdAt: new Date('2026-03-01T09:00:00.000Z'),
          updatedAt: new Date('2026-03-01T09:00:00.000Z'),
        });
        expect(await repository.findById(ada.userId)).toEqual(saved);
      });

      it('writes no token in plaintext anywhere in the stored document', async () => {
        await repository.saveConsent(grant());
        await repository.updateTokens(ada.userId, {
          accessToken: 'ya29.ada-access-token-refreshed',
          accessTokenExpiresAt: null,
          refreshToken: '1//0ada-refresh-token-rotated',
          issuedAt: new Date(clock.now().getTime() + 1),
        });

        const document = await rawCredential(ada.userId);
        expect(document).not.toBeNull();
        for (const token of [
          ada.refreshToken,
          ada.accessToken,
          'ya29.ada-access-token-refreshed',
          '1//0ada-refresh-token-rotated',
          'ada-refresh-token',
          'ada-access-token',
        ]) {
          expect(rawDocumentContains(document, token)).toBe(false);
        }
        expect(document).toMatchObject({
          _id: ada.userId,
          email: ada.email,
          emailLower: 'ada.lovelace@example.com',
        });
      });

      it('keeps the stored refresh token when a returning user consents and Google sends none', async () => {
        await repository.saveConsent(grant());
        clock.advance(HOUR);

        const saved = await repository.saveConsent(
          grant({
            refreshToken: null,
            accessToken: 'ya29.ada-second-access-token',
            scopes: [...SCOPES, 'email'],
          }),
        );

        expect(saved.refreshToken).toBe(ada.refreshToken);
        expect(saved.accessToken).toBe('ya29.ada-second-access-token');
        expect(saved.scopes).toEqual([...SCOPES, 'email']);
        expect(saved.createdAt).toEqual(new Date('2026-03-01T09:00:00.000Z'));
        expect(saved.updatedAt).toEqual(new Date('2026-03-01T10:00:00.000Z'));
        expect((await repository.findById(ada.userId))?.refreshToken).toBe(ada.refreshToken);
      });

      it('makes a credential that needed re-authorization ACTIVE again', async () => {
        await repository.saveConsent(grant());
        await repository.markNeedsReauthorization(ada.userId, 'REFRESH_TOKEN_REVOKED');
        clock.advance(60_000);

        const saved = await repository.saveConsent(
          grant({ refreshToken: '1//0ada-refresh-token-new-consent' }),
        );

        expect(saved).toMatchObject({
          status: 'ACTIVE',
          statusReason: null,
          refreshToken: '1//0ada-refresh-token-new-consent',
        });
        expect(await rawCredential(ada.userId)).toMatchObject({ status: 'ACTIVE', statusReason: null });
      });

      it('does not replace newer tokens with those of an older consent that arrives late', async () => {
        const late = grant({
          refreshToken: '1//0ada-older',
          accessToken: 'ya29.ada-older',
          issuedAt: clock.now(),
        });
        clock.advance(5_000);
        await repository.saveConsent(grant({ refreshToken: '1//0ada-newer', accessToken: 'ya29.ada-newer' }));

        const answer = await repository.saveConsent(late);

        expect(answer).toMatchObject({ refreshToken: '1//0ada-newer', accessToken: 'ya29.ada-newer' });
        expect(await repository.findById(ada.userId)).toMatchObject({
          refreshToken: '1//0ada-newer',
          accessToken: 'ya29.ada-newer',
          tokensIssuedAt: new Date('2026-03-01T09:00:05.000Z'),
        });
        expect(await raw.countDocuments({})).toBe(1);
      });

      it('leaves exactly one document holding the newest tokens when two consents race', async () => {
        for (let round = 0; round < 12; round++) {
          const userId = `race-${round}`;
          if (round % 3 === 2) {
            // Some rounds race on an existing credential rather than a first insert.
            await repository.saveConsent(grant({ userId, issuedAt: new Date(clock.now().getTime() - HOUR) }));
          }
          const older = grant({
            userId,
            refreshToken: `1//0older-${round}`,
            accessToken: `ya29.older-${round}`,
            issuedAt: new Date(clock.now().getTime() + round * 10),
          });
          const newer = grant({
            userId,
            refreshToken: round % 4 === 1 ? null : `1//0newer-${round}`,
            accessToken: `ya29.newer-${round}`,
            issuedAt: new Date(clock.now().getTime() + round * 10 + 1),
          });
          const [first, second] = round % 2 === 0 ? [older, newer] : [newer, older];

          const answers = await Promise.all([repository.saveConsent(first), repository.saveConsent(second)]);

          expect(await raw.countDocuments({ _id: userId as unknown as Document['_id'] })).toBe(1);
          const stored = await repository.findById(userId);
          expect(stored).toMatchObject({
            accessToken: `ya29.newer-${round}`,
            tokensIssuedAt: newer.issuedAt,
            status: 'ACTIVE',
          });
          // A newer consent without a refresh token keeps whichever one was stored before it.
          if (newer.refreshToken !== null) expect(stored?.refreshToken).toBe(newer.refreshToken);
          // Nobody is told that older tokens are stored when newer ones are.
          for (const [index, answer] of answers.entries()) {
            const asked = index === 0 ? first : second;
            expect(answer.tokensIssuedAt.getTime()).toBeGreaterThanOrEqual(asked.issuedAt.getTime());
          }
        }
      });
    });

    describe('updateTokens', () => {
      beforeEach(async () => {
        await repository.saveConsent(grant());
        clock.advance(HOUR);
      });

      it('persists a refreshed access token and keeps the refresh token', async () => {
        await repository.updateTokens(ada.userId, {
          accessToken: 'ya29.ada-refreshed',
          accessTokenExpiresAt: new Date('2026-03-01T11:00:00.000Z'),
          issuedAt: clock.now(),
        });

        expect(await repository.findById(ada.userId)).toMatchObject({
          refreshToken: ada.refreshToken,
          accessToken: 'ya29.ada-refreshed',
          accessTokenExpiresAt: new Date('2026-03-01T11:00:00.000Z'),
          tokensIssuedAt: new Date('2026-03-01T10:00:00.000Z'),
          updatedAt: new Date('2026-03-01T10:00:00.000Z'),
        });
      });

      it('persists a refresh token that Google rotated', async () => {
        await repository.updateTokens(ada.userId, {
          accessToken: 'ya29.ada-refreshed',
          accessTokenExpiresAt: null,
          refreshToken: '1//0ada-rotated',
          issuedAt: clock.now(),
        });

        expect(await repository.findById(ada.userId)).toMatchObject({
          refreshToken: '1//0ada-rotated',
          accessToken: 'ya29.ada-refreshed',
        });
      });

      it('changes nothing for a credential that needs re-authorization', async () => {
        await repository.markNeedsReauthorization(ada.userId, 'REFRESH_TOKEN_REVOKED');
        const before = await rawCredential(ada.userId);

        await repository.updateTokens(ada.userId, {
          accessToken: 'ya29.too-late',
          accessTokenExpiresAt: null,
          refreshToken: '1//0too-late',
          issuedAt: new Date(clock.now().getTime() + 1),
        });

        expect(await rawCredential(ada.userId)).toEqual(before);
        expect(await repository.findById(ada.userId)).toMatchObject({
          refreshToken: null,
          accessToken: null,
        });
      });

      it('creates nothing for a user without a credential', async () => {
        await repository.updateTokens('unknown-user', {
          accessToken: 'ya29.nobody',
          accessTokenExpiresAt: null,
          issuedAt: clock.now(),
        });

        expect(await repository.findById('unknown-user')).toBeNull();
        expect(await raw.countDocuments({})).toBe(1);
      });

      it('ignores tokens older than the stored ones', async () => {
        await repository.updateTokens(ada.userId, {
          accessToken: 'ya29.stale',
          accessTokenExpiresAt: null,
          refreshToken: '1//0stale',
          issuedAt: new Date('2026-03-01T08:59:59.999Z'),
        });

        expect(await repository.findById(ada.userId)).toMatchObject({
          refreshToken: ada.refreshToken,
          accessToken: ada.accessToken,
          tokensIssuedAt: new Date('2026-03-01T09:00:00.000Z'),
        });
      });
    });

    describe('markNeedsReauthorization', () => {
      it.each<[ReauthorizationReason, { refreshTokenKept: boolean }]>([
        ['REFRESH_TOKEN_REVOKED', { refreshTokenKept: false }],
        ['DECRYPTION_FAILED', { refreshTokenKept: false }],
        ['ACCESS_TOKEN_REJECTED', { refreshTokenKept: true }],
      ])(
        'for %s drops the access token, and the refresh token unless it may still work',
        async (reason, expected) => {
          await repository.saveConsent(grant());
          clock.advance(60_000);

          await repository.markNeedsReauthorization(ada.userId, reason);

          expect(await repository.findById(ada.userId)).toMatchObject({
            status: 'NEEDS_REAUTHORIZATION',
            statusReason: reason,
            accessToken: null,
            accessTokenExpiresAt: null,
            refreshToken: expected.refreshTokenKept ? ada.refreshToken : null,
            updatedAt: new Date('2026-03-01T09:01:00.000Z'),
          });
          const document = await rawCredential(ada.userId);
          expect(document).not.toHaveProperty('accessToken');
          expect(document?.['refreshToken'] !== undefined).toBe(expected.refreshTokenKept);
        },
      );

      it('leaves a credential alone when it holds tokens newer than the ones that failed', async () => {
        const failedWith = clock.now();
        await repository.saveConsent(grant({ issuedAt: failedWith }));
        clock.advance(60_000);
        await repository.saveConsent(grant({ issuedAt: clock.now(), refreshToken: 'newer-refresh-token' }));

        expect(
          await repository.markNeedsReauthorization(ada.userId, 'REFRESH_TOKEN_REVOKED', failedWith),
        ).toBe(false);

        expect(await repository.findById(ada.userId)).toMatchObject({
          status: 'ACTIVE',
          refreshToken: 'newer-refresh-token',
        });
      });

      it('marks a credential whose stored tokens are the ones that failed', async () => {
        const failedWith = clock.now();
        await repository.saveConsent(grant({ issuedAt: failedWith }));

        expect(
          await repository.markNeedsReauthorization(ada.userId, 'REFRESH_TOKEN_REVOKED', failedWith),
        ).toBe(true);

        expect(await repository.findById(ada.userId)).toMatchObject({ status: 'NEEDS_REAUTHORIZATION' });
      });

      it('creates nothing for a user without a credential', async () => {
        expect(await repository.markNeedsReauthorization('unknown-user', 'REFRESH_TOKEN_REVOKED')).toBe(
          false,
        );

        expect(await raw.countDocuments({})).toBe(0);
      });
    });

    describe('a stored token that does not decrypt', () => {
      beforeEach(async () => {
        await repository.saveConsent(grant());
        await repository.saveConsent(grant({ ...grace }));
        clock.advance(60_000);
      });

      it('does not decrypt in another user’s document: the value is quarantined and the credential marked DECRYPTION_FAILED', async () => {
        const adas = await rawCredential(ada.userId);
        await raw.updateOne(
          { _id: grace.userId as unknown as Document['_id'] },
          { $set: { refreshToken: adas?.['refreshToken'] } },
        );

        const found = await repository.findById(grace.userId);

        expect(found).toMatchObject({
          userId: grace.userId,
          email: grace.email,
          status: 'NEEDS_REAUTHORIZATION',
          statusReason: 'DECRYPTION_FAILED',
          refreshToken: null,
          accessToken: null,
          updatedAt: new Date('2026-03-01T09:01:00.000Z'),
        });
        const document = await rawCredential(grace.userId);
        expect(document).toMatchObject({
          status: 'NEEDS_REAUTHORIZATION',
          statusReason: 'DECRYPTION_FAILED',
          quarantined: {
            refreshToken: {
              value: adas?.['refreshToken'],
              reason: 'AUTHENTICATION_FAILED',
              keyId: '2025-11',
              quarantinedAt: new Date('2026-03-01T09:01:00.000Z'),
            },
          },
        });
        expect(document).not.toHaveProperty('refreshToken');
        expect(document).not.toHaveProperty('accessToken');
        // Ada's own credential is untouched.
        expect(await repository.findById(ada.userId)).toMatchObject({
          status: 'ACTIVE',
          refreshToken: ada.refreshToken,
        });
      });

      it('does not decrypt when moved from the access token field to the refresh token field', async () => {
        const graces = await rawCredential(grace.userId);
        await raw.updateOne(
          { _id: grace.userId as unknown as Document['_id'] },
          { $set: { refreshToken: graces?.['accessToken'] } },
        );

        expect(await repository.findByEmail(grace.email)).toMatchObject({
          status: 'NEEDS_REAUTHORIZATION',
          statusReason: 'DECRYPTION_FAILED',
          refreshToken: null,
        });
        expect(await rawCredential(grace.userId)).toMatchObject({
          quarantined: { refreshToken: { value: graces?.['accessToken'] } },
        });
      });

      it('drops only an unreadable access token: the credential stays ACTIVE with its refresh token', async () => {
        const before = await rawCredential(grace.userId);
        await raw.updateOne(
          { _id: grace.userId as unknown as Document['_id'] },
          { $set: { accessToken: before?.['refreshToken'] } },
        );

        expect(await repository.findById(grace.userId)).toMatchObject({
          status: 'ACTIVE',
          statusReason: null,
          refreshToken: grace.refreshToken,
          accessToken: null,
          accessTokenExpiresAt: null,
        });
        const document = await rawCredential(grace.userId);
        expect(document?.['refreshToken']).toBe(before?.['refreshToken']);
        expect(document).not.toHaveProperty('accessToken');
        expect(document).toMatchObject({
          status: 'ACTIVE',
          quarantined: { accessToken: { value: before?.['refreshToken'], reason: 'AUTHENTICATION_FAILED' } },
        });
      });

      it('fails the read with UPSTREAM_UNAVAILABLE and writes nothing when a value names a key id the keyring lacks', async () => {
        const before = await rawCredential(ada.userId);
        const withoutOldKey = harness.create({ keys: [newKey], now: clock.now });

        await expect(withoutOldKey.findById(ada.userId)).rejects.toMatchObject({
          extensions: { code: 'UPSTREAM_UNAVAILABLE' },
        });
        await expect(withoutOldKey.findByEmail(ada.email)).rejects.toMatchObject({
          extensions: { code: 'UPSTREAM_UNAVAILABLE' },
        });
        expect(await rawCredential(ada.userId)).toEqual(before);
        // The instance that holds the key still reads it.
        expect(await repository.findById(ada.userId)).toMatchObject({
          status: 'ACTIVE',
          refreshToken: ada.refreshToken,
        });
      });

      it('leaves the credential usable again after a new consent', async () => {
        await raw.updateOne(
          { _id: grace.userId as unknown as Document['_id'] },
          { $set: { accessToken: 'v1.2025-11.garbage.garbage.garbage' } },
        );
        await repository.findById(grace.userId);
        clock.advance(60_000);

        await repository.saveConsent(grant({ ...grace, issuedAt: clock.now() }));

        expect(await repository.findById(grace.userId)).toMatchObject({
          status: 'ACTIVE',
          statusReason: null,
          refreshToken: grace.refreshToken,
          accessToken: grace.accessToken,
        });
      });
    });

    describe('key rotation', () => {
      it('reads credentials written under the old key after a new key is put first, and writes under the new key', async () => {
        await repository.saveConsent(grant());
        expect(await rawCredential(ada.userId)).toMatchObject({
          refreshToken: expect.stringMatching(/^v1\.2025-11\./),
          accessToken: expect.stringMatching(/^v1\.2025-11\./),
        });
        const rotated = harness.create({ keys: [newKey, oldKey], now: clock.now });

        expect(await rotated.findById(ada.userId)).toMatchObject({
          status: 'ACTIVE',
          refreshToken: ada.refreshToken,
          accessToken: ada.accessToken,
        });

        clock.advance(60_000);
        await rotated.updateTokens(ada.userId, {
          accessToken: 'ya29.ada-after-rotation',
          accessTokenExpiresAt: null,
          issuedAt: clock.now(),
        });
        expect(await rawCredential(ada.userId)).toMatchObject({
          refreshToken: expect.stringMatching(/^v1\.2025-11\./),
          accessToken: expect.stringMatching(/^v1\.2026-03\./),
        });

        await rotated.saveConsent(grant({ refreshToken: '1//0ada-after-rotation', issuedAt: clock.now() }));
        expect(await rawCredential(ada.userId)).toMatchObject({
          refreshToken: expect.stringMatching(/^v1\.2026-03\./),
        });
        expect(await rotated.findById(ada.userId)).toMatchObject({
          refreshToken: '1//0ada-after-rotation',
          accessToken: ada.accessToken,
        });
      });
    });

    describe('keyIdsInUse', () => {
      it('lists every key id the stored tokens name, once each, dotted ids included', async () => {
        expect(await repository.keyIdsInUse()).toEqual([]);
        await repository.saveConsent(grant());
        const dotted = TokenCipher.generateKey('2026.04.a');
        const rotated = harness.create({ keys: [dotted, oldKey], now: clock.now });
        clock.advance(60_000);
        await rotated.saveConsent(grant({ ...grace, issuedAt: clock.now() }));
        await rotated.updateTokens(ada.userId, {
          accessToken: 'ya29.ada-after-rotation',
          accessTokenExpiresAt: null,
          issuedAt: clock.now(),
        });

        expect(await rotated.keyIdsInUse()).toEqual(['2025-11', '2026.04.a']);
      });

      it('leaves quarantined values out', async () => {
        await repository.saveConsent(grant());
        await raw.updateOne(
          { _id: ada.userId as unknown as Document['_id'] },
          { $set: { refreshToken: 'v1.2025-11.garbage.garbage.garbage', accessToken: 'v1.2025-11.a.b.c' } },
        );
        await repository.findById(ada.userId);

        expect(await repository.keyIdsInUse()).toEqual([]);
      });
    });

    describe('rewrap', () => {
      it('re-encrypts old values under the current key, keeps the tokens and their dates, and is idempotent', async () => {
        await repository.saveConsent(grant());
        await repository.saveConsent(grant({ ...grace }));
        const rotated = harness.create({ keys: [newKey, oldKey], now: clock.now });
        const before = await rawCredential(ada.userId);

        expect(await rotated.rewrap()).toEqual({ rewrapped: 2, unreadable: 0, changedMeanwhile: 0 });

        expect(await rotated.keyIdsInUse()).toEqual(['2026-03']);
        expect(await rawCredential(ada.userId)).toEqual({
          ...before,
          refreshToken: expect.stringMatching(/^v1\.2026-03\./),
          accessToken: expect.stringMatching(/^v1\.2026-03\./),
        });
        const onlyNewKey = harness.create({ keys: [newKey], now: clock.now });
        expect(await onlyNewKey.findById(ada.userId)).toMatchObject({
          refreshToken: ada.refreshToken,
          accessToken: ada.accessToken,
        });
        expect(await rotated.rewrap()).toEqual({ rewrapped: 0, unreadable: 0, changedMeanwhile: 0 });
      });

      it('leaves a value no configured key decrypts as it is, and counts it', async () => {
        await repository.saveConsent(grant());
        const unknown = harness.create({ keys: [TokenCipher.generateKey('2099-01')], now: clock.now });
        await unknown.saveConsent(grant({ ...grace }));
        const before = await rawCredential(grace.userId);
        const rotated = harness.create({ keys: [newKey, oldKey], now: clock.now });

        expect(await rotated.rewrap()).toEqual({ rewrapped: 1, unreadable: 2, changedMeanwhile: 0 });
        expect(await rawCredential(grace.userId)).toEqual(before);
      });
    });

    describe('findByEmail', () => {
      it('finds a credential whatever the case of the address, and keeps the address as Google spelled it', async () => {
        await repository.saveConsent(grant());
        await repository.saveConsent(grant({ ...grace }));

        expect(await repository.findByEmail('ada.lovelace@example.com')).toMatchObject({
          userId: ada.userId,
          email: ada.email,
        });
        expect(await repository.findByEmail('ADA.LOVELACE@EXAMPLE.COM')).toMatchObject({
          userId: ada.userId,
        });
        expect(await repository.findByEmail('GRACE@example.org')).toMatchObject({ userId: grace.userId });
      });

      it('answers null for an unknown address', async () => {
        await repository.saveConsent(grant());

        expect(await repository.findByEmail('nobody@example.com')).toBeNull();
      });
    });

    describe('findById', () => {
      it('answers null for an unknown user', async () => {
        expect(await repository.findById('unknown-user')).toBeNull();
      });
    });

    describe('delete', () => {
      it('deletes the credential once, and says whether there was one', async () => {
        await repository.saveConsent(grant());
        await repository.saveConsent(grant({ ...grace }));

        expect(await repository.delete(ada.userId)).toBe(true);
        expect(await repository.delete(ada.userId)).toBe(false);
        expect(await repository.findById(ada.userId)).toBeNull();
        expect(await repository.findById(grace.userId)).not.toBeNull();
      });
    });

    describe('ensureIndexes', () => {
      it('can run again and indexes the lower-cased e-mail', async () => {
        await repository.ensureIndexes();
        await harness.create({ keys: [oldKey], now: clock.now }).ensureIndexes();

        const indexes = await raw.listIndexes().toArray();
        expect(indexes.map((index) => index['key'])).toContainEqual({ emailLower: 1 });
      });
    });
  });
}
