import type { Db, MongoClient } from 'mongodb';
import { startMongoTarget, type MongoTarget } from '../../support/mongo-target';

describe('mongo-server: databases and collections', () => {
  let target: MongoTarget;
  let client: MongoClient;
  let db: Db;

  beforeAll(async () => {
    target = await startMongoTarget('catalog');
    client = await target.connect();
    db = client.db(target.dbName);
  });
  afterAll(() => target.close());

  const collectionNames = async () =>
    (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();

  it('creates a collection with createCollection and lists it with its type', async () => {
    await db.createCollection('created');

    const [info] = await db.listCollections({ name: 'created' }).toArray();

    expect(info).toMatchObject({ name: 'created', type: 'collection', options: {} });
    expect(await db.collection('created').countDocuments()).toBe(0);
  });

  it('creates a collection implicitly on the first insert', async () => {
    await db.collection('implicit').insertOne({ x: 1 });

    expect(await collectionNames()).toContain('implicit');
  });

  it('drops a collection with its documents and indexes', async () => {
    const doomed = db.collection('doomed');
    await doomed.insertOne({ email: 'a@x' });
    await doomed.createIndex({ email: 1 }, { unique: true });

    expect(await doomed.drop()).toBe(true);

    expect(await collectionNames()).not.toContain('doomed');
    expect(await doomed.countDocuments()).toBe(0);
    await doomed.insertOne({ email: 'a@x' });
    await doomed.insertOne({ email: 'a@x' });
  });

  it('lets dropping a collection that does not exist succeed quietly', async () => {
    await expect(db.collection('never_created').drop()).resolves.toEqual(expect.any(Boolean));
  });

  it('lists the database in listDatabases, and drops it with all its collections', async () => {
    const scratch = client.db(`${target.dbName}_scratch`);
    await scratch.collection('a').insertOne({ x: 1 });
    await scratch.collection('b').insertOne({ x: 2 });

    const before = await client.db('admin').admin().listDatabases();
    await scratch.dropDatabase();
    const after = await client.db('admin').admin().listDatabases({ nameOnly: true });

    expect(before.databases.map((database) => database.name)).toContain(scratch.databaseName);
    expect(after.databases.map((database) => database.name)).not.toContain(scratch.databaseName);
    expect(await scratch.listCollections().toArray()).toEqual([]);
  });
});
