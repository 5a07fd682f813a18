import type { Db } from 'mongodb';
import { ownServer, startMongoTarget, type MongoTarget } from '../../support/mongo-target';
import { itWithOwnServer, type TestDoc } from './target';

/** A clock the test moves by hand, counting how often the server's TTL monitor read it. */
class ManualClock {
  reads = 0;
  private current = new Date('2026-03-01T09:00:00.000Z').getTime();

  readonly now = (): Date => {
    this.reads += 1;
    return new Date(this.current);
  };

  at(offsetMs: number): Date {
    return new Date(this.current + offsetMs);
  }

  advance(ms: number): void {
    this.current += ms;
  }

  /** Resolves once the monitor has run `passes` more sweeps, so everything due has been swept. */
  async sweeps(passes: number): Promise<void> {
    const target = this.reads + passes;
    while (this.reads < target) await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

// mongod's TTL monitor runs every 60 s and cannot be driven by a fake clock, so these tests need dev/mongo-server.
describe('mongo-server: TTL indexes', () => {
  const clock = new ManualClock();
  let target: MongoTarget;
  let db: Db;

  beforeAll(async () => {
    if (!ownServer) return;
    target = await startMongoTarget('ttl', { now: clock.now, ttlMonitorIntervalMs: 10 });
    db = await target.db();
  });
  afterAll(() => target?.close());

  itWithOwnServer(
    'deletes a document once its date plus expireAfterSeconds has passed, and keeps the others',
    async () => {
      const sessions = db.collection<TestDoc>('sessions');
      await sessions.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
      await sessions.insertMany([
        { _id: 'soon', expiresAt: clock.at(1_000) },
        { _id: 'later', expiresAt: clock.at(3_600_000) },
        { _id: 'earliest-of-array', expiresAt: [clock.at(7_200_000), clock.at(500)] },
        { _id: 'not-a-date', expiresAt: 'tomorrow' },
        { _id: 'no-field' },
      ]);

      await clock.sweeps(2);
      expect(await sessions.countDocuments()).toBe(5);

      clock.advance(10_000);
      await clock.sweeps(2);

      const left = await sessions.find().sort({ _id: 1 }).toArray();
      expect(left.map((doc) => doc._id)).toEqual(['later', 'no-field', 'not-a-date']);
    },
  );

  itWithOwnServer('counts expireAfterSeconds from the indexed date', async () => {
    const requests = db.collection<TestDoc>('authorization_requests');
    await requests.createIndex({ createdAt: 1 }, { expireAfterSeconds: 600 });
    await requests.insertMany([
      { _id: 'old', createdAt: clock.at(-601_000) },
      { _id: 'fresh', createdAt: clock.at(-599_000) },
    ]);

    await clock.sweeps(2);

    expect((await requests.find().toArray()).map((doc) => doc._id)).toEqual(['fresh']);
  });
});
