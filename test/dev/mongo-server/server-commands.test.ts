import { MongoServerError, type Db, type MongoClient } from 'mongodb';
import { startMongoTarget, type MongoTarget } from '../../support/mongo-target';
import { itWithOwnServer } from './target';

describe('mongo-server: server commands', () => {
  let target: MongoTarget;
  let client: MongoClient;
  let db: Db;

  beforeAll(async () => {
    target = await startMongoTarget('server');
    client = await target.connect();
    db = client.db(target.dbName);
  });
  afterAll(() => target.close());

  it('answers ping with ok: 1', async () => {
    expect(await db.command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  it('answers buildInfo with a version string and array', async () => {
    const info = await db.command({ buildInfo: 1 });

    expect(info).toMatchObject({ ok: 1, version: expect.stringMatching(/^\d+\.\d+/), bits: 64 });
    expect(info.versionArray).toEqual(expect.arrayContaining([expect.any(Number)]));
  });

  it('answers hello as a writable primary with its wire versions and limits', async () => {
    const hello = await db.admin().command({ hello: 1 });

    expect(hello).toMatchObject({
      ok: 1,
      isWritablePrimary: true,
      maxBsonObjectSize: 16 * 1024 * 1024,
      minWireVersion: expect.any(Number),
      maxWireVersion: expect.any(Number),
      localTime: expect.any(Date),
    });
  });

  it('answers an unknown command with CommandNotFound (59)', async () => {
    const error = await db.command({ frobnicate: 1 }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({
      code: 59,
      codeName: 'CommandNotFound',
      message: "no such command: 'frobnicate'",
    });
  });

  it('answers getParameter for the feature compatibility version', async () => {
    const reply = await db.admin().command({ getParameter: 1, featureCompatibilityVersion: 1 });

    expect(reply).toMatchObject({ ok: 1, featureCompatibilityVersion: { version: expect.any(String) } });
  });

  itWithOwnServer('records which commands it was asked and how many connections it accepted', async () => {
    const stats = target.server().stats;
    const pingsBefore = stats.commands.ping ?? 0;

    await db.command({ ping: 1 });
    await db.collection('recorded').insertOne({ x: 1 });

    expect(stats.commands.ping).toBe(pingsBefore + 1);
    expect(stats.commands.insert).toBeGreaterThanOrEqual(1);
    expect(stats.commands.ismaster).toBeGreaterThanOrEqual(1);
    expect(stats.connections).toBeGreaterThanOrEqual(2);
  });

  itWithOwnServer('refuses transactions with a clear CommandNotSupported (115)', async () => {
    const session = client.startSession();
    try {
      session.startTransaction();
      const error = await db
        .collection('transactional')
        .insertOne({ x: 1 }, { session })
        .catch((caught: unknown) => caught);

      expect(error).toMatchObject({
        code: 115,
        message: expect.stringContaining('Transactions are not supported'),
      });
    } finally {
      await session.endSession();
    }
  });

  itWithOwnServer('refuses a non-simple collation rather than ignoring it', async () => {
    const people = db.collection('collation');

    await expect(people.find({}, { collation: { locale: 'fr' } }).toArray()).rejects.toMatchObject({
      code: 2,
    });
  });
});
