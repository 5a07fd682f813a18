import net from 'node:net';
import { MongoClient } from 'mongodb';
import { firstHost, RechunkingProxy, seededSizes, type Rechunking } from './rechunking-proxy';
import { startMongoTarget, type MongoTarget } from '../../support/mongo-target';
import { type TestDoc } from './target';

describe('mongo-server: message framing over TCP', () => {
  let target: MongoTarget;
  const proxies: RechunkingProxy[] = [];
  const clients: MongoClient[] = [];

  beforeAll(async () => {
    target = await startMongoTarget('framing');
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await target.close();
  });

  async function clientThrough(rechunking: { toServer: Rechunking; toClient: Rechunking }) {
    const proxy = await RechunkingProxy.start(target.uri, rechunking);
    proxies.push(proxy);
    // One pooled connection: the driver's requests on it follow each other in order.
    const client = new MongoClient(proxy.uri, { maxPoolSize: 1, serverSelectionTimeoutMS: 5000 });
    clients.push(client);
    await client.connect();
    return { proxy, db: client.db(target.dbName) };
  }

  /** A workload with messages from a few dozen bytes to several kilobytes. */
  async function roundTrip(db: ReturnType<MongoClient['db']>, name: string) {
    const docs = Array.from({ length: 30 }, (_, i) => ({ _id: i, body: 'x'.repeat(i * 300) }));
    await db.collection<TestDoc>(name).insertMany(docs);
    await db.collection<TestDoc>(name).updateOne({ _id: 3 }, { $set: { body: 'changed' } });
    const read = await db.collection<TestDoc>(name).find({}, { batchSize: 7 }).sort({ _id: 1 }).toArray();
    expect(read).toEqual(docs.map((doc) => (doc._id === 3 ? { ...doc, body: 'changed' } : doc)));
  }

  it('serves a driver whose bytes arrive one at a time', async () => {
    const oneByte = { split: () => 1 };
    const { proxy, db } = await clientThrough({ toServer: oneByte, toClient: { split: () => 64 } });

    await db.command({ ping: 1 });
    const notes = db.collection<{ _id: string; text: string }>('one_byte');
    await notes.insertOne({ _id: 'tiny', text: 'héllo' });

    expect(await notes.findOne({ _id: 'tiny' })).toEqual({ _id: 'tiny', text: 'héllo' });
    expect(proxy.toServer.largestChunk).toBe(1);
  });

  it('serves a driver whose bytes arrive in random-size pieces, both ways', async () => {
    const { proxy, db } = await clientThrough({
      toServer: { split: seededSizes(42, 700) },
      toClient: { split: seededSizes(7, 700) },
    });

    await roundTrip(db, 'random_pieces');

    expect(proxy.toServer.chunks).toBeGreaterThan(100);
  });

  it('serves several messages packed into one TCP chunk', async () => {
    const { proxy, db } = await clientThrough({
      toServer: { coalesceWindowMs: 20 },
      toClient: { coalesceWindowMs: 0 },
    });
    const unacknowledged = db.collection<TestDoc>('packed', { writeConcern: { w: 0 } });

    // w: 0 writes expect no reply, so the driver sends them and the next command back to back.
    await unacknowledged.insertOne({ _id: 1 });
    await unacknowledged.insertOne({ _id: 2 });
    await unacknowledged.insertOne({ _id: 3 });
    const found = await db.collection<TestDoc>('packed').find().sort({ _id: 1 }).toArray();

    expect(found).toEqual([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
    expect(proxy.toServer.mostMessagesInOneChunk).toBeGreaterThanOrEqual(4);
  });

  it('closes only the connection that sent a malformed message, and keeps serving the others', async () => {
    const healthy = await target.connect();
    const { host, port } = firstHost(target.uri);
    const raw = net.connect(port, host);
    const closed = new Promise<void>((resolve) => raw.on('close', () => resolve()));
    raw.on('error', () => undefined);

    // A length prefix smaller than the 16-byte header can never start a valid message.
    raw.write(Buffer.from([8, 0, 0, 0, 1, 2, 3, 4]));

    await closed;
    expect(await healthy.db(target.dbName).command({ ping: 1 })).toMatchObject({ ok: 1 });
  });
});
