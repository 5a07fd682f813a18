import type { Db, MongoClient } from 'mongodb';
import { CachedSessionRepository } from '../../src/auth/cached-session.repository';
import {
  MongoSessionRepository,
  sessionTokenHash,
  type SessionRecord,
} from '../../src/auth/mongo-session.repository';
import { MongoSessionRevocations } from '../../src/auth/mongo-session-revocations';
import { REVOCATION_OVERLAP_MS, SessionCache } from '../../src/auth/session-cache';
import type { SessionRevocation } from '../../src/auth/session-revocations';
import { createLogger } from '../../src/logger';
import {
  commandsSentDuring,
  ownServer,
  startMongoTarget,
  TestClock,
  type MongoTarget,
} from '../support/mongo-target';

const HOUR_SECONDS = 3600;

/** A MongoSessionRepository whose reads can be held after MongoDB answered, before the answer is used. */
class HeldSessionRepository extends MongoSessionRepository {
  hold: Promise<void> | null = null;
  readsHeld = 0;

  override async findByHash(tokenHash: string): Promise<SessionRecord | null> {
    const record = await super.findByHash(tokenHash);
    if (this.hold !== null) {
      this.readsHeld++;
      await this.hold;
    }
    return record;
  }
}

/** One gateway instance's sessions: its cache, its repository (publishing what it ends), the cached view. */
interface Instance {
  readonly cache: SessionCache;
  readonly stored: HeldSessionRepository;
  readonly sessions: CachedSessionRepository;
}

describe('the session cache', () => {
  const clock = new TestClock();
  let target: MongoTarget;
  let client: MongoClient;
  let db: Db;
  let feed: MongoSessionRevocations;
  const logger = createLogger('silent');

  function instance(options: { maxEntries?: number } = {}): Instance {
    const cache = new SessionCache({ feed, now: clock.now, maxEntries: options.maxEntries ?? 100, logger });
    const stored = new HeldSessionRepository(db, {
      now: clock.now,
      idleSeconds: 2 * HOUR_SECONDS,
      onEnded: async (revocation: SessionRevocation) => {
        cache.evict(revocation);
        await feed.publish(revocation);
      },
    });
    return { cache, stored, sessions: new CachedSessionRepository(stored, cache, clock.now) };
  }

  beforeAll(async () => {
    target = await startMongoTarget('session_cache');
    client = await target.connect({ monitorCommands: true, serverSelectionTimeoutMS: 500 });
    db = client.db(target.dbName);
    feed = new MongoSessionRevocations(db, { now: clock.now });
    await feed.ensureIndexes();
  });

  afterAll(async () => {
    await target?.close();
  });

  beforeEach(async () => {
    clock.set(TestClock.aheadOfWallClock());
    await db.collection('sessions').deleteMany({});
    await db.collection('sessionRevocations').deleteMany({});
  });

  /** Moves the clock, polling on the way as the instance would (a longer silence empties the cache). */
  async function timePasses(ms: number, cache: SessionCache): Promise<void> {
    for (let left = ms; left > 0; left -= 20_000) {
      clock.advance(Math.min(left, 20_000));
      await cache.poll();
    }
  }

  it('empties itself when polls resume after a silence longer than the feed keeps entries', async () => {
    const a = instance();
    const { token } = await a.sessions.create('ada', HOUR_SECONDS);
    await a.cache.poll();
    await a.sessions.findByToken(token);
    clock.advance(50_001);

    await a.cache.poll();

    expect(a.cache.size).toBe(0);
  });

  it('answers a repeated lookup from memory, without a MongoDB command, while the last poll is fresh', async () => {
    const a = instance();
    const { token } = await a.sessions.create('ada', HOUR_SECONDS);
    await a.cache.poll();

    expect(await commandsSentDuring(client, () => a.sessions.findByToken(token))).toEqual(['find']);
    const again = await commandsSentDuring(client, async () => {
      expect(await a.sessions.findByToken(token)).toMatchObject({ userId: 'ada' });
    });

    expect(again).toEqual([]);
  });

  it('serves nothing from memory once the last successful poll started a second ago or more', async () => {
    const a = instance();
    const { token } = await a.sessions.create('ada', HOUR_SECONDS);
    await a.cache.poll();
    expect(await a.sessions.findByToken(token)).not.toBeNull();
    // Not a product path: nothing is published, so only MongoDB knows.
    await db.collection('sessions').deleteMany({});
    clock.advance(999);
    expect(await a.sessions.findByToken(token)).toMatchObject({ userId: 'ada' });

    clock.advance(1);

    expect(await a.sessions.findByToken(token)).toBeNull();
  });

  it('ends a session on the instance that signs it out at once, and on another after its next poll', async () => {
    const a = instance();
    const b = instance();
    const { token } = await a.sessions.create('ada', HOUR_SECONDS);
    await Promise.all([a.cache.poll(), b.cache.poll()]);
    await a.sessions.findByToken(token);
    await b.sessions.findByToken(token);
    expect(b.cache.size).toBe(1);

    expect(await a.sessions.deleteByToken(token)).toBe(true);

    expect(await a.sessions.findByToken(token)).toBeNull();
    await b.cache.poll();
    expect(b.cache.size).toBe(0);
    expect(await b.sessions.findByToken(token)).toBeNull();
  });

  it("ends every session of a user on every instance when the user's sessions are ended on one", async () => {
    const a = instance();
    const b = instance();
    const tokens = await Promise.all(
      [1, 2].map(async () => (await a.sessions.create('ada', HOUR_SECONDS)).token),
    );
    const { token: bystander } = await a.sessions.create('grace', HOUR_SECONDS);
    await b.cache.poll();
    for (const token of [...tokens, bystander]) await b.sessions.findByToken(token);
    expect(b.cache.size).toBe(3);

    expect(await a.sessions.deleteAllForUser('ada')).toBe(2);
    await b.cache.poll();

    expect(b.cache.size).toBe(1);
    for (const token of tokens) expect(await b.sessions.findByToken(token)).toBeNull();
    expect(await b.sessions.findByToken(bystander)).toMatchObject({ userId: 'grace' });
  });

  it('applies a revocation stamped by a clock up to ten seconds behind (skew between instances)', async () => {
    const b = instance();
    const { token, session } = await b.sessions.create('ada', HOUR_SECONDS);
    await b.cache.poll();
    await b.sessions.findByToken(token);
    clock.advance(100);
    await b.cache.poll();
    const behind = new MongoSessionRevocations(db, {
      now: () => new Date(clock.now().getTime() - REVOCATION_OVERLAP_MS + 200),
    });
    const stored = new MongoSessionRepository(db, { now: clock.now, onEnded: (r) => behind.publish(r) });

    await stored.deleteAllForUser(session.userId);
    await b.cache.poll();

    expect(b.cache.size).toBe(0);
  });

  it('does not cache a session read from MongoDB while its revocation was being applied', async () => {
    const a = instance();
    const b = instance();
    const { token } = await a.sessions.create('ada', HOUR_SECONDS);
    await b.cache.poll();
    let release!: () => void;
    b.stored.hold = new Promise((resolve) => (release = resolve));

    // B has read the session from MongoDB, and not yet used what it read, when A signs out and B polls.
    const inFlight = b.sessions.findByToken(token);
    await eventuallyTrue(() => b.stored.readsHeld === 1);
    await a.sessions.deleteByToken(token);
    await b.cache.poll();
    b.stored.hold = null;
    release();

    expect(await inFlight).toMatchObject({ userId: 'ada' });
    expect(b.cache.size).toBe(0);
    expect(await b.sessions.findByToken(token)).toBeNull();
  });

  it('records a use at most once a minute and still ends a session at its expiry', async () => {
    const a = instance();
    const { token } = await a.sessions.create('ada', 120);
    await a.cache.poll();
    await a.sessions.findByToken(token);

    await timePasses(59_000, a.cache);
    expect(await commandsSentDuring(client, () => a.sessions.findByToken(token))).toEqual([]);
    await timePasses(1000, a.cache);
    expect(await commandsSentDuring(client, () => a.sessions.findByToken(token))).toEqual(['find', 'update']);
    const stored = await db.collection('sessions').findOne({});
    expect(stored?.['lastUsedAt']).toEqual(clock.now());

    await timePasses(60_000, a.cache);

    expect(await commandsSentDuring(client, () => a.sessions.findByToken(token))).toEqual([]);
    expect(await a.sessions.findByToken(token)).toBeNull();
  });

  it('publishes the end of a session found idle, as every path that deletes sessions does', async () => {
    const a = instance();
    const { token } = await a.sessions.create('ada', 10 * HOUR_SECONDS);
    const createdAt = clock.now();
    clock.advance(2 * HOUR_SECONDS * 1000);

    expect(await a.sessions.findByToken(token)).toBeNull();

    expect(await db.collection('sessions').countDocuments()).toBe(0);
    expect((await feed.since(createdAt, 10)).revocations).toEqual([{ tokenHash: sessionTokenHash(token) }]);
  });

  it('holds at most SESSION_CACHE_SIZE sessions, dropping the least recently used', async () => {
    const a = instance({ maxEntries: 2 });
    const [first, second, third] = await Promise.all(
      ['ada', 'grace', 'edsger'].map(async (user) => (await a.sessions.create(user, HOUR_SECONDS)).token),
    );
    await a.cache.poll();
    await a.sessions.findByToken(first!);
    await a.sessions.findByToken(second!);
    await a.sessions.findByToken(first!);

    await a.sessions.findByToken(third!);

    expect(a.cache.size).toBe(2);
    expect(await commandsSentDuring(client, () => a.sessions.findByToken(first!))).toEqual([]);
    expect(await commandsSentDuring(client, () => a.sessions.findByToken(second!))).toEqual(['find']);
  });

  (ownServer ? it : it.skip)(
    'sends lookups to MongoDB, and fails them as without a cache, while polls fail',
    async () => {
      const a = instance();
      const { token } = await a.sessions.create('ada', HOUR_SECONDS);
      await a.cache.poll();
      await a.sessions.findByToken(token);
      await db.collection('sessions').deleteMany({});
      const server = target.server();

      await server.suspend();
      try {
        await expect(a.cache.poll()).rejects.toThrow();
        clock.advance(1000);
        await expect(a.sessions.findByToken(token)).rejects.toThrow();
      } finally {
        await server.resume();
      }

      expect(await a.sessions.findByToken(token)).toBeNull();
    },
  );
});

async function eventuallyTrue(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
