import { MongoServerError, type Collection, type Db, type Document } from 'mongodb';
import type { ConsentGrant } from '../../src/credentials/credential.repository';
import { MongoCredentialRepository } from '../../src/credentials/mongo-credential.repository';
import { TokenCipher } from '../../src/credentials/token-cipher';
import { connectMongoTarget, type MonitoredDb } from '../support/mongo-target';
import { credentialRepositoryContract } from './credential-repository.contract';

credentialRepositoryContract('MongoCredentialRepository', async () => {
  const target = await connectMongoTarget('credential_repository');
  return {
    db: target.db,
    collectionName: 'credentials',
    create: ({ keys, now }) => new MongoCredentialRepository(target.db, new TokenCipher(keys), { now }),
    close: () => target.close(),
  };
});

/**
 * On a real deployment two first consents can both find no document and both try to insert; one then fails with
 * E11000. The in-memory server runs each command atomically, so that interleaving is staged here: the first
 * upsert lets a concurrent consent insert, then fails as mongod would.
 */
describe('MongoCredentialRepository when a concurrent first consent wins the insert race', () => {
  const cipher = new TokenCipher([TokenCipher.generateKey('2026-03')]);
  const grant = (overrides: Partial<ConsentGrant>): ConsentGrant => ({
    userId: '104811300000000000009',
    email: 'ada@example.com',
    scopes: ['openid'],
    refreshToken: '1//0refresh',
    accessToken: 'ya29.access',
    accessTokenExpiresAt: null,
    issuedAt: new Date('2026-03-01T09:00:00.000Z'),
    ...overrides,
  });
  let target: MonitoredDb;

  beforeAll(async () => {
    target = await connectMongoTarget('credential_repository_race');
  });

  afterAll(async () => {
    await target?.close();
  });

  /** A Db whose credentials collection runs `racer` and then fails the first findOneAndUpdate with E11000. */
  function racingDb(racer: () => Promise<unknown>): { db: Db; upserts: () => number } {
    let upserts = 0;
    const collection = (name: string): Collection<Document> => {
      const real = target.db.collection(name);
      return new Proxy(real, {
        get(collectionTarget, property, receiver) {
          if (property !== 'findOneAndUpdate') return Reflect.get(collectionTarget, property, receiver);
          return async (...args: Parameters<Collection<Document>['findOneAndUpdate']>) => {
            upserts += 1;
            if (upserts === 1) {
              await racer();
              throw new MongoServerError({ message: 'E11000 duplicate key error', code: 11000 });
            }
            return real.findOneAndUpdate(...args);
          };
        },
      });
    };
    const db = new Proxy(target.db, {
      get: (dbTarget, property, receiver) =>
        property === 'collection' ? collection : Reflect.get(dbTarget, property, receiver),
    });
    return { db, upserts: () => upserts };
  }

  it('retries its upsert once and stores its newer tokens', async () => {
    const other = new MongoCredentialRepository(target.db, cipher, { collectionName: 'newer' });
    const older = grant({ accessToken: 'ya29.older', issuedAt: new Date('2026-03-01T09:00:00.000Z') });
    const { db, upserts } = racingDb(() => other.saveConsent(older));
    const repository = new MongoCredentialRepository(db, cipher, { collectionName: 'newer' });

    const saved = await repository.saveConsent(
      grant({ accessToken: 'ya29.newer', issuedAt: new Date(older.issuedAt.getTime() + 1) }),
    );

    expect(upserts()).toBe(2);
    expect(saved.accessToken).toBe('ya29.newer');
    expect(await other.findById(older.userId)).toMatchObject({ accessToken: 'ya29.newer' });
    expect(await target.db.collection('newer').countDocuments({})).toBe(1);
  });

  it('does not retry when the winner holds newer tokens, and answers with the winner', async () => {
    const other = new MongoCredentialRepository(target.db, cipher, { collectionName: 'older' });
    const newer = grant({ accessToken: 'ya29.newer', issuedAt: new Date('2026-03-01T09:00:00.001Z') });
    const { db, upserts } = racingDb(() => other.saveConsent(newer));
    const repository = new MongoCredentialRepository(db, cipher, { collectionName: 'older' });

    const saved = await repository.saveConsent(
      grant({ accessToken: 'ya29.older', issuedAt: new Date('2026-03-01T09:00:00.000Z') }),
    );

    expect(upserts()).toBe(1);
    expect(saved.accessToken).toBe('ya29.newer');
    expect(await other.findById(newer.userId)).toMatchObject({ accessToken: 'ya29.newer' });
  });
});
