import { ObjectId, type Db, type Document } from 'mongodb';
import { startMongoTarget, type MongoTarget } from '../../support/mongo-target';
import { type TestDoc } from './target';

describe('mongo-server: updates, upserts and find-and-modify', () => {
  let target: MongoTarget;
  let db: Db;
  let sequence = 0;

  beforeAll(async () => {
    target = await startMongoTarget('updates');
    db = await target.db();
  });
  afterAll(() => target.close());

  /** A fresh collection per test, so tests never see each other's writes. */
  async function collectionWith(docs: Document[]) {
    const collection = db.collection<TestDoc>(`updates_${++sequence}`);
    if (docs.length) await collection.insertMany(docs);
    return collection;
  }

  it('upserts from the filter equality fields, $set and $setOnInsert when nothing matches', async () => {
    const accounts = await collectionWith([]);

    const result = await accounts.updateOne(
      { email: 'ada@example.com', 'profile.plan': 'free', visits: { $gt: 5 } },
      { $set: { name: 'Ada' }, $setOnInsert: { createdAt: new Date('2026-01-01T00:00:00Z') } },
      { upsert: true },
    );

    expect(result).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1 });
    expect(result.upsertedId).toBeInstanceOf(ObjectId);
    expect(await accounts.findOne({ _id: result.upsertedId! })).toEqual({
      _id: result.upsertedId,
      email: 'ada@example.com',
      profile: { plan: 'free' },
      name: 'Ada',
      createdAt: new Date('2026-01-01T00:00:00Z'),
    });
  });

  it('applies $set but not $setOnInsert when the upsert finds its document', async () => {
    const accounts = await collectionWith([{ _id: 'ada', name: 'Ada', createdAt: 'long ago' }]);

    const result = await accounts.updateOne(
      { _id: 'ada' },
      { $set: { name: 'Ada L.' }, $setOnInsert: { createdAt: 'now' } },
      { upsert: true },
    );

    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0, upsertedId: null });
    expect(await accounts.findOne({ _id: 'ada' })).toEqual({
      _id: 'ada',
      name: 'Ada L.',
      createdAt: 'long ago',
    });
  });

  it('upserts with the _id of the filter', async () => {
    const sessions = await collectionWith([]);

    const result = await sessions.updateOne(
      { _id: 'token-hash' },
      { $set: { user: 'ada' } },
      { upsert: true },
    );

    expect(result.upsertedId).toBe('token-hash');
    expect(await sessions.findOne({ _id: 'token-hash' })).toEqual({ _id: 'token-hash', user: 'ada' });
  });

  it('updates every match with updateMany and counts only the documents that really changed', async () => {
    const users = await collectionWith([
      { _id: 1, status: 'active', logins: 1 },
      { _id: 2, status: 'active', logins: 5 },
      { _id: 3, status: 'revoked', logins: 2 },
    ]);

    const setResult = await users.updateMany({ logins: { $gte: 2 } }, { $set: { status: 'revoked' } });
    const incResult = await users.updateMany({}, { $inc: { logins: 10 }, $currentDate: { seenAt: true } });

    expect(setResult).toMatchObject({ matchedCount: 2, modifiedCount: 1 });
    expect(incResult).toMatchObject({ matchedCount: 3, modifiedCount: 3 });
    expect(await users.find({}, { projection: { seenAt: 0 } }).toArray()).toEqual([
      { _id: 1, status: 'active', logins: 11 },
      { _id: 2, status: 'revoked', logins: 15 },
      { _id: 3, status: 'revoked', logins: 12 },
    ]);
    expect((await users.findOne({ _id: 1 }))?.seenAt).toBeInstanceOf(Date);
  });

  it('updates only the array elements that arrayFilters select', async () => {
    const mailboxes = await collectionWith([
      {
        _id: 'box',
        labels: [
          { name: 'INBOX', unread: 3 },
          { name: 'SPAM', unread: 9 },
          { name: 'WORK', unread: 1 },
        ],
      },
    ]);

    await mailboxes.updateOne(
      { _id: 'box' },
      { $set: { 'labels.$[label].unread': 0 } },
      { arrayFilters: [{ 'label.name': { $ne: 'SPAM' } }] },
    );

    expect((await mailboxes.findOne({ _id: 'box' }))?.labels).toEqual([
      { name: 'INBOX', unread: 0 },
      { name: 'SPAM', unread: 9 },
      { name: 'WORK', unread: 0 },
    ]);
  });

  it('updates the array element the filter matched with the positional $ operator, and pushes and pulls', async () => {
    const lists = db.collection<{ _id: string; scores: number[]; seen: string[] }>(`updates_${++sequence}`);
    await lists.insertOne({ _id: 'l', scores: [1, 5, 9], seen: ['a'] });

    await lists.updateOne({ _id: 'l', scores: 5 }, { $set: { 'scores.$': 50 } });
    await lists.updateOne({ _id: 'l' }, { $push: { seen: 'b' }, $pull: { scores: 1 } });
    await lists.updateOne({ _id: 'l' }, { $addToSet: { seen: 'a' } });

    expect(await lists.findOne({ _id: 'l' })).toEqual({ _id: 'l', scores: [50, 9], seen: ['a', 'b'] });
  });

  it('runs an aggregation-pipeline update', async () => {
    const orders = await collectionWith([{ _id: 'o', net: 10, tax: 2 }]);

    await orders.updateOne({ _id: 'o' }, [{ $set: { total: { $add: ['$net', '$tax'] } } }]);

    expect(await orders.findOne({ _id: 'o' })).toEqual({ _id: 'o', net: 10, tax: 2, total: 12 });
  });

  it('inserts the replacement with the filter _id when replaceOne upserts', async () => {
    const settings = await collectionWith([]);

    const result = await settings.replaceOne({ _id: 'theme' }, { value: 'dark' }, { upsert: true });

    expect(result).toMatchObject({ upsertedCount: 1, upsertedId: 'theme' });
    expect(await settings.findOne({ _id: 'theme' })).toEqual({ _id: 'theme', value: 'dark' });
  });

  it('refuses to change _id with ImmutableField (66)', async () => {
    const users = await collectionWith([{ _id: 'ada' }]);

    await expect(users.updateOne({ _id: 'ada' }, { $set: { _id: 'bob' } })).rejects.toMatchObject({
      code: 66,
    });
    await expect(users.replaceOne({ _id: 'ada' }, { _id: 'bob' })).rejects.toMatchObject({ code: 66 });
  });

  it('returns the document before an update by default and after it with returnDocument "after"', async () => {
    const counters = await collectionWith([{ _id: 'c', value: 1 }]);

    const before = await counters.findOneAndUpdate({ _id: 'c' }, { $inc: { value: 1 } });
    const after = await counters.findOneAndUpdate(
      { _id: 'c' },
      { $inc: { value: 1 } },
      { returnDocument: 'after' },
    );

    expect(before).toEqual({ _id: 'c', value: 1 });
    expect(after).toEqual({ _id: 'c', value: 3 });
  });

  it('creates and returns the document when findOneAndUpdate upserts, and returns null when nothing matches', async () => {
    const counters = await collectionWith([]);

    const created = await counters.findOneAndUpdate(
      { _id: 'new' },
      { $inc: { value: 1 } },
      { upsert: true, returnDocument: 'after' },
    );
    const missing = await counters.findOneAndUpdate({ _id: 'other' }, { $inc: { value: 1 } });
    const withMetadata = await counters.findOneAndUpdate(
      { _id: 'new' },
      { $inc: { value: 1 } },
      { includeResultMetadata: true },
    );

    expect(created).toEqual({ _id: 'new', value: 1 });
    expect(missing).toBeNull();
    expect(withMetadata).toMatchObject({
      value: { _id: 'new', value: 1 },
      lastErrorObject: { n: 1, updatedExisting: true },
      ok: 1,
    });
  });

  it('picks the first document in sort order and projects it in findOneAndReplace and findOneAndDelete', async () => {
    const queue = await collectionWith([
      { _id: 'b', priority: 2, payload: 'two' },
      { _id: 'a', priority: 1, payload: 'one' },
      { _id: 'c', priority: 3, payload: 'three' },
    ]);

    const replaced = await queue.findOneAndReplace(
      {},
      { priority: 9, payload: 'nine' },
      { sort: { priority: 1 }, projection: { payload: 1 }, returnDocument: 'after' },
    );
    const deleted = await queue.findOneAndDelete({}, { sort: { priority: -1 }, projection: { _id: 1 } });

    expect(replaced).toEqual({ _id: 'a', payload: 'nine' });
    expect(deleted).toEqual({ _id: 'a' });
    expect(await queue.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'b', priority: 2, payload: 'two' },
      { _id: 'c', priority: 3, payload: 'three' },
    ]);
    expect(await queue.findOneAndDelete({ _id: 'zzz' })).toBeNull();
  });
});
