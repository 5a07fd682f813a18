import { Long, MongoServerError, type CommandStartedEvent, type Db, type MongoClient } from 'mongodb';
import { startMongoTarget, type MongoTarget } from '../../support/mongo-target';
import { type TestDoc } from './target';

describe('mongo-server: server-side cursors', () => {
  let target: MongoTarget;
  let client: MongoClient;
  let db: Db;
  const started: CommandStartedEvent[] = [];

  beforeAll(async () => {
    target = await startMongoTarget('cursors');
    client = await target.connect({ monitorCommands: true });
    client.on('commandStarted', (event) => started.push(event));
    db = client.db(target.dbName);
    await db
      .collection<TestDoc>('numbers')
      .insertMany(Array.from({ length: 25 }, (_, i) => ({ _id: i, square: i * i })));
  });
  afterAll(() => target.close());
  beforeEach(() => (started.length = 0));

  const sent = (name: string) => started.filter((event) => event.commandName === name);

  it('hands out a large result in batches, fetched with getMore as the cursor is iterated', async () => {
    const ids: number[] = [];
    for await (const doc of db.collection<TestDoc>('numbers').find({}, { batchSize: 10 }).sort({ _id: -1 })) {
      ids.push(doc._id as number);
    }

    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => 24 - i));
    expect(sent('getMore')).toHaveLength(2);
  });

  it('stops at the limit without a getMore when the limit fits in the first batch', async () => {
    const docs = await db
      .collection<TestDoc>('numbers')
      .find({ square: { $gte: 100 } })
      .limit(3)
      .toArray();

    expect(docs.map((doc) => doc._id)).toEqual([10, 11, 12]);
    expect(sent('getMore')).toHaveLength(0);
    expect(sent('killCursors')).toHaveLength(0);
  });

  it('kills the server cursor when the client closes it early: its id is then unknown to getMore', async () => {
    const cursor = db.collection<TestDoc>('numbers').find({}, { batchSize: 5 });
    await cursor.next();
    const id = cursor.id as Long;
    expect(id.isZero()).toBe(false);

    await cursor.close();

    expect(sent('killCursors')).toHaveLength(1);
    await expect(db.command({ getMore: id, collection: 'numbers' })).rejects.toMatchObject({
      code: 43,
      codeName: 'CursorNotFound',
    });
  });

  it('answers CursorNotFound for a cursor id it never issued', async () => {
    const error = await db
      .command({ getMore: Long.fromNumber(123456789), collection: 'numbers' })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 43 });
  });

  it('pages an aggregation with getMore too', async () => {
    const docs = await db
      .collection<TestDoc>('numbers')
      .aggregate([{ $match: { _id: { $lt: 20 } } }, { $project: { square: 1 } }], { batchSize: 4 })
      .toArray();

    expect(docs).toHaveLength(20);
    expect(sent('getMore').length).toBeGreaterThanOrEqual(4);
  });
});
