import { MongoBulkWriteError, MongoServerError, type Collection, type Db, type Document } from 'mongodb';
import { startMongoTarget, type MongoTarget } from '../../support/mongo-target';
import { type TestDoc } from './target';

describe('mongo-server: indexes', () => {
  let target: MongoTarget;
  let db: Db;
  let sequence = 0;

  beforeAll(async () => {
    target = await startMongoTarget('indexes');
    db = await target.db();
  });
  afterAll(() => target.close());

  /** A fresh collection with a unique index on `email`. */
  async function usersWithUniqueEmail(docs: Document[] = []): Promise<Collection<TestDoc>> {
    const users = db.collection<TestDoc>(`users_${++sequence}`);
    await users.createIndex({ email: 1 }, { unique: true });
    if (docs.length) await users.insertMany(docs);
    return users;
  }

  async function rejection(promise: Promise<unknown>): Promise<MongoServerError> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MongoServerError);
    return error as MongoServerError;
  }

  const duplicateEmail = (collection: Collection<TestDoc>, email: string) => ({
    code: 11000,
    keyPattern: { email: 1 },
    keyValue: { email },
    message: `E11000 duplicate key error collection: ${db.databaseName}.${collection.collectionName} index: email_1 dup key: { email: "${email}" }`,
  });

  it('lists the _id_ index and the created ones with their options', async () => {
    const sessions = db.collection<TestDoc>('listed');
    expect(await sessions.createIndex({ userId: 1, createdAt: -1 })).toBe('userId_1_createdAt_-1');
    expect(await sessions.createIndex({ tokenHash: 1 }, { unique: true, name: 'by_token' })).toBe('by_token');
    expect(await sessions.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 })).toBe('expiresAt_1');

    expect(await sessions.indexes()).toEqual([
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { userId: 1, createdAt: -1 }, name: 'userId_1_createdAt_-1' },
      { v: 2, key: { tokenHash: 1 }, name: 'by_token', unique: true },
      { v: 2, key: { expiresAt: 1 }, name: 'expiresAt_1', expireAfterSeconds: 0 },
    ]);
    expect(await sessions.indexExists('by_token')).toBe(true);
  });

  it('accepts the same index again, so start-up code can create its indexes every time', async () => {
    const users = await usersWithUniqueEmail();

    expect(await users.createIndex({ email: 1 }, { unique: true })).toBe('email_1');
    expect(await users.createIndexes([{ key: { email: 1 }, unique: true }])).toEqual(['email_1']);
    expect(
      await db.command({
        createIndexes: users.collectionName,
        indexes: [{ key: { email: 1 }, name: 'email_1', unique: true }],
      }),
    ).toMatchObject({ ok: 1, numIndexesBefore: 2, numIndexesAfter: 2, note: 'all indexes already exist' });
    expect(await users.indexes()).toHaveLength(2);
  });

  it('answers IndexOptionsConflict (85) to the same key under another name or with another TTL', async () => {
    const users = await usersWithUniqueEmail();
    await users.createIndex({ seenAt: 1 }, { expireAfterSeconds: 60 });

    const otherName = await rejection(
      users.createIndex({ email: 1 }, { unique: true, name: 'email_unique' }),
    );
    const otherTtl = await rejection(users.createIndex({ seenAt: 1 }, { expireAfterSeconds: 120 }));

    expect(otherName).toMatchObject({ code: 85, codeName: 'IndexOptionsConflict' });
    expect(otherName.message).toContain('Index already exists with a different name: email_1');
    expect(otherTtl).toMatchObject({ code: 85, codeName: 'IndexOptionsConflict' });
  });

  it('answers IndexKeySpecsConflict (86) to a different index under an existing name', async () => {
    const users = await usersWithUniqueEmail();

    const notUnique = await rejection(users.createIndex({ email: 1 }, { name: 'email_1' }));
    const otherKey = await rejection(users.createIndex({ phone: 1 }, { name: 'email_1' }));

    expect(notUnique).toMatchObject({ code: 86, codeName: 'IndexKeySpecsConflict' });
    expect(otherKey).toMatchObject({ code: 86, codeName: 'IndexKeySpecsConflict' });
  });

  it('refuses a duplicate from insertOne with code 11000, keyPattern and keyValue', async () => {
    const users = await usersWithUniqueEmail([{ email: 'ada@example.com' }]);

    const error = await rejection(users.insertOne({ email: 'ada@example.com' }));

    expect(error).toMatchObject(duplicateEmail(users, 'ada@example.com'));
    expect(await users.countDocuments()).toBe(1);
  });

  it('stops an ordered insertMany at the duplicate and lets an unordered one carry on', async () => {
    const users = await usersWithUniqueEmail([{ email: 'a@x' }]);
    const batch = () => [{ email: 'b@x' }, { email: 'a@x' }, { email: 'c@x' }];

    const ordered = await users.insertMany(batch()).catch((caught: unknown) => caught);
    await users.deleteMany({ email: { $ne: 'a@x' } });
    const unordered = await users.insertMany(batch(), { ordered: false }).catch((caught: unknown) => caught);

    expect(ordered).toBeInstanceOf(MongoBulkWriteError);
    expect(ordered).toMatchObject({ code: 11000, insertedCount: 1 });
    expect(unordered).toMatchObject({ code: 11000, insertedCount: 2 });
    expect((await users.find().toArray()).map((user) => user.email).sort()).toEqual(['a@x', 'b@x', 'c@x']);
  });

  it('refuses a duplicate that an upsert or an update would create', async () => {
    const users = await usersWithUniqueEmail([
      { _id: 1, email: 'a@x' },
      { _id: 2, email: 'b@x' },
    ]);

    const upsert = await rejection(users.updateOne({ _id: 3 }, { $set: { email: 'a@x' } }, { upsert: true }));
    const update = await rejection(users.updateOne({ _id: 2 }, { $set: { email: 'a@x' } }));

    expect(upsert).toMatchObject(duplicateEmail(users, 'a@x'));
    expect(update).toMatchObject(duplicateEmail(users, 'a@x'));
    expect(await users.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, email: 'a@x' },
      { _id: 2, email: 'b@x' },
    ]);
  });

  it('refuses a duplicate from findOneAndUpdate and findOneAndReplace', async () => {
    const users = await usersWithUniqueEmail([
      { _id: 1, email: 'a@x' },
      { _id: 2, email: 'b@x' },
    ]);

    const update = await rejection(users.findOneAndUpdate({ _id: 2 }, { $set: { email: 'a@x' } }));
    const upsert = await rejection(
      users.findOneAndUpdate(
        { _id: 9 },
        { $set: { email: 'b@x' } },
        { upsert: true, returnDocument: 'after' },
      ),
    );
    const replace = await rejection(users.findOneAndReplace({ _id: 1 }, { email: 'b@x' }));

    expect(update).toMatchObject(duplicateEmail(users, 'a@x'));
    expect(upsert).toMatchObject(duplicateEmail(users, 'b@x'));
    expect(replace).toMatchObject(duplicateEmail(users, 'b@x'));
  });

  it('lets a document keep its own unique value when it is updated', async () => {
    const users = await usersWithUniqueEmail([{ _id: 1, email: 'a@x', visits: 1 }]);

    await users.updateOne({ _id: 1 }, { $set: { email: 'a@x' }, $inc: { visits: 1 } });

    expect(await users.findOne({ _id: 1 })).toEqual({ _id: 1, email: 'a@x', visits: 2 });
  });

  it('indexes a missing field as null, unless the unique index is sparse', async () => {
    const users = await usersWithUniqueEmail([{ name: 'no email' }]);
    const sparse = db.collection<TestDoc>(`sparse_${++sequence}`);
    await sparse.createIndex({ email: 1 }, { unique: true, sparse: true });

    const error = await rejection(users.insertOne({ name: 'no email either' }));
    await sparse.insertMany([{ name: 'one' }, { name: 'two' }]);

    expect(error).toMatchObject({ code: 11000, keyValue: { email: null } });
    expect(await sparse.countDocuments()).toBe(2);
  });

  it('enforces a compound unique index on the combination of its fields', async () => {
    const grants = db.collection<TestDoc>(`grants_${++sequence}`);
    await grants.createIndex({ userId: 1, scope: 1 }, { unique: true });
    await grants.insertMany([
      { userId: 'u1', scope: 'mail' },
      { userId: 'u1', scope: 'profile' },
      { userId: 'u2', scope: 'mail' },
    ]);

    const error = await rejection(grants.insertOne({ userId: 'u1', scope: 'mail' }));

    expect(error).toMatchObject({
      code: 11000,
      keyPattern: { userId: 1, scope: 1 },
      keyValue: { userId: 'u1', scope: 'mail' },
    });
    expect(error.message).toContain('index: userId_1_scope_1 dup key: { userId: "u1", scope: "mail" }');
  });

  it('fails to build a unique index over existing duplicates, and leaves no index behind', async () => {
    const users = db.collection<TestDoc>(`users_${++sequence}`);
    await users.insertMany([{ email: 'a@x' }, { email: 'a@x' }]);

    const error = await rejection(users.createIndex({ email: 1 }, { unique: true }));

    expect(error).toMatchObject({ code: 11000 });
    expect((await users.indexes()).map((index) => index.name)).toEqual(['_id_']);
  });

  it('drops an index by name, by key and all of them with "*", but never _id_', async () => {
    const users = await usersWithUniqueEmail();
    await users.createIndex({ name: 1 });
    await users.createIndex({ age: -1 });

    await users.dropIndex('email_1');
    await db.command({ dropIndexes: users.collectionName, index: { name: 1 } });
    expect((await users.indexes()).map((index) => index.name)).toEqual(['_id_', 'age_-1']);
    await users.dropIndexes();
    expect((await users.indexes()).map((index) => index.name)).toEqual(['_id_']);
    await expect(users.dropIndex('_id_')).rejects.toMatchObject({ code: 72 });
    await expect(users.dropIndex('nope')).rejects.toMatchObject({ code: 27, codeName: 'IndexNotFound' });
  });

  it('answers NamespaceNotFound (26) when listing the indexes of a missing collection', async () => {
    await expect(db.collection<TestDoc>('missing').indexes()).rejects.toMatchObject({ code: 26 });
  });
});
