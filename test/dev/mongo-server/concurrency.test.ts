import type { MongoClient } from 'mongodb';
import { startMongoTarget, type MongoTarget } from '../../support/mongo-target';

interface Counter {
  _id: string;
  value?: number;
  seen?: number[];
}

describe('mongo-server: several clients at once', () => {
  const clientCount = 4;
  const writesPerClient = 25;
  let target: MongoTarget;
  let clients: MongoClient[];

  beforeAll(async () => {
    target = await startMongoTarget('concurrency');
    clients = await Promise.all(
      Array.from({ length: clientCount }, () => target.connect({ maxPoolSize: 3 })),
    );
  });
  afterAll(() => target.close());

  const db = (client: MongoClient) => client.db(target.dbName);

  it('keeps every write of clients inserting and incrementing in interleaved order', async () => {
    await Promise.all(
      clients.map((client, c) =>
        Promise.all(
          Array.from({ length: writesPerClient }, async (_, i) => {
            const counters = db(client).collection<Counter>('counters');
            await db(client).collection('events').insertOne({ client: c, i });
            await counters.updateOne({ _id: 'shared' }, { $inc: { value: 1 } }, { upsert: true });
            await counters.updateOne({ _id: `client-${c}` }, { $push: { seen: i } }, { upsert: true });
          }),
        ),
      ),
    );

    const counters = db(clients[0]).collection<Counter>('counters');
    expect(await db(clients[0]).collection('events').countDocuments()).toBe(clientCount * writesPerClient);
    expect(await counters.findOne({ _id: 'shared' })).toEqual({
      _id: 'shared',
      value: clientCount * writesPerClient,
    });
    for (let c = 0; c < clientCount; c++) {
      const seen = (await counters.findOne({ _id: `client-${c}` }))?.seen ?? [];
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: writesPerClient }, (_, i) => i));
    }
  });

  it('lets exactly one of several clients racing for the same unique key win', async () => {
    await db(clients[0]).collection('accounts').createIndex({ email: 1 }, { unique: true });

    const outcomes = await Promise.allSettled(
      clients.map((client, c) =>
        db(client).collection('accounts').insertOne({ email: 'race@example.com', client: c }),
      ),
    );

    const rejected = outcomes.filter(
      (outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected',
    );
    expect(outcomes.length - rejected.length).toBe(1);
    for (const { reason } of rejected) expect(reason).toMatchObject({ code: 11000 });
  });
});
