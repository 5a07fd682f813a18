import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Binary, Long, MongoClient, ObjectId } from 'mongodb';
import { start, type MongoServer } from '../../../dev/mongo-server';
import { itWithOwnServer, type TestDoc } from './target';

// The data file exists only on dev/mongo-server: these tests are skipped against a real MongoDB.
describe('mongo-server: persistence (dataFile)', () => {
  let dir: string;
  let dataFile: string;
  const servers: MongoServer[] = [];
  const clients: MongoClient[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mongo-persistence-'));
    dataFile = join(dir, 'mongo.bson');
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all(servers.splice(0).map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(flushDelayMs?: number) {
    const server = await start({ dataFile, ...(flushDelayMs !== undefined ? { flushDelayMs } : {}) });
    servers.push(server);
    const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 2000 });
    clients.push(client);
    await client.connect();
    return { server, db: client.db('app') };
  }

  const doc: TestDoc = {
    _id: new ObjectId('64b7f0c2a1b2c3d4e5f60718'),
    email: 'ada@example.com',
    at: new Date('2026-11-30T12:00:00.000Z'),
    big: Long.fromString('9007199254740993'),
    bytes: new Binary(Buffer.from([0, 1, 2, 255])),
    nested: { list: [1, 'two', { three: 3.5 }], empty: {} },
  };

  itWithOwnServer(
    'gives back every document with its BSON types, and every index, after a stop and a start',
    async () => {
      const first = await open();
      await first.db.collection<TestDoc>('users').insertOne({ ...doc });
      await first.db.collection('users').createIndex({ email: 1 }, { unique: true, name: 'email_unique' });
      await first.db.collection('sessions').createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
      await first.db
        .collection<TestDoc>('sessions')
        .insertOne({ _id: 's1', expiresAt: new Date(Date.now() + 3600_000) });
      await first.server.stop();

      const second = await open();
      const users = second.db.collection<TestDoc>('users');
      expect(await users.find({}).toArray()).toEqual([doc]);
      expect((await users.findOne({}))!.big).toBeInstanceOf(Long);
      expect((await users.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'email_unique']);
      await expect(users.insertOne({ _id: 'other', email: 'ada@example.com' })).rejects.toMatchObject({
        code: 11000,
      });
      const ttl = (await second.db.collection('sessions').listIndexes().toArray()).find(
        (index) => index.name === 'expiresAt_1',
      );
      expect(ttl).toMatchObject({ expireAfterSeconds: 0 });
      expect(await second.db.collection('sessions').countDocuments()).toBe(1);
    },
  );

  itWithOwnServer(
    'has a write on disk within the flush delay even if the server is never stopped (a crash)',
    async () => {
      const first = await open(20);
      await first.db.collection<TestDoc>('things').insertOne({ _id: 'kept' });
      await first.db.collection<TestDoc>('things').deleteOne({ _id: 'kept' });
      await first.db.collection<TestDoc>('things').insertOne({ _id: 'last' });
      await new Promise((resolve) => setTimeout(resolve, 200));

      // A second server reading the same file while the first still runs sees what a restart after a crash would.
      const reader = await start({ dataFile });
      servers.push(reader);
      const client = new MongoClient(reader.uri, { serverSelectionTimeoutMS: 2000 });
      clients.push(client);
      expect(await client.db('app').collection('things').find({}).toArray()).toEqual([{ _id: 'last' }]);
      expect(readdirSync(dir)).toEqual(['mongo.bson']);
    },
  );

  itWithOwnServer(
    'drops what was dropped: a dropped database does not come back, the others do',
    async () => {
      const first = await open();
      await first.db.collection<TestDoc>('gone').insertOne({ _id: 1 });
      await first.db.dropDatabase();
      const other = clients[0]!.db('other');
      await other.collection<TestDoc>('kept').insertOne({ _id: 2 });
      await first.server.stop();

      const second = await open();
      expect(await second.db.listCollections().toArray()).toEqual([]);
      expect(await clients[1]!.db('other').collection('kept').find({}).toArray()).toEqual([{ _id: 2 }]);
    },
  );

  itWithOwnServer('refuses to start on a file that is not a snapshot, naming the file', async () => {
    writeFileSync(dataFile, 'not bson at all');
    await expect(start({ dataFile })).rejects.toThrow(dataFile);
  });
});
