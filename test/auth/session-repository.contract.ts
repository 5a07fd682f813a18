import type { Collection, Db, Document, MongoClient } from 'mongodb';
import type { SessionRepository } from '../../src/auth/session.repository';
import { commandsSentDuring, rawDocumentContains, TestClock } from '../support/mongo-target';

/** What a setup hands the contract suite: a way to build the implementation, and the raw database under it. */
export interface SessionRepositoryHarness {
  readonly db: Db;
  /** The client behind `db`, created with `monitorCommands: true`. */
  readonly client: MongoClient;
  /** Where the implementation keeps sessions, read directly by the suite. */
  readonly collectionName: string;
  /** `idleSeconds`: the idle timeout (SESSION_IDLE_SECONDS); the implementation's default when absent. */
  create(deps: { readonly now: () => Date; readonly idleSeconds?: number }): SessionRepository;
  close(): Promise<void>;
}

const DAY_SECONDS = 24 * 3600;

/** The SessionRepository contract: behaviour through the interface, and what was written read back directly. */
export function sessionRepositoryContract(
  implementation: string,
  setup: () => Promise<SessionRepositoryHarness>,
): void {
  describe(`${implementation} (SessionRepository contract)`, () => {
    const clock = new TestClock();
    let harness: SessionRepositoryHarness;
    let raw: Collection<Document>;
    let sessions: SessionRepository;

    beforeAll(async () => {
      harness = await setup();
      raw = harness.db.collection(harness.collectionName);
    });

    afterAll(async () => {
      await harness?.close();
    });

    beforeEach(async () => {
      await raw.deleteMany({});
      clock.set(TestClock.aheadOfWallClock());
      sessions = harness.create({ now: clock.now });
      await sessions.ensureIndexes();
    });

    it('issues a recognisable token of at least 256 random bits, different every time', async () => {
      const tokens = await Promise.all(Array.from({ length: 20 }, () => sessions.create('ada', DAY_SECONDS)));

      for (const { token } of tokens) {
        expect(token).toMatch(/^gs_[A-Za-z0-9_-]+$/);
        expect(Buffer.from(token.slice(3), 'base64url').length).toBeGreaterThanOrEqual(32);
      }
      expect(new Set(tokens.map((t) => t.token)).size).toBe(20);
    });

    it('finds the session of a token until it expires', async () => {
      const createdAt = clock.now();
      const { token, session } = await sessions.create('ada', 3600);

      expect(session).toEqual({
        userId: 'ada',
        createdAt,
        expiresAt: new Date(createdAt.getTime() + 3600_000),
      });
      clock.advance(3599_999);
      expect(await sessions.findByToken(token)).toEqual(session);
    });

    it('stores the token only as a hash', async () => {
      const createdAt = clock.now();
      const { token } = await sessions.create('ada', DAY_SECONDS);

      const documents = await raw.find({}).toArray();
      expect(documents).toHaveLength(1);
      expect(rawDocumentContains(documents[0]!, token)).toBe(false);
      expect(rawDocumentContains(documents[0]!, token.slice(3))).toBe(false);
      expect(documents[0]).toMatchObject({
        userId: 'ada',
        createdAt,
        expiresAt: new Date(createdAt.getTime() + DAY_SECONDS * 1000),
      });
    });

    it('refuses an expired session although the TTL sweep has not removed it yet', async () => {
      const { token } = await sessions.create('ada', 3600);
      clock.advance(3600_000);

      expect(await sessions.findByToken(token)).toBeNull();
      expect(await raw.countDocuments({})).toBe(1);
    });

    it('answers null for unknown and malformed tokens, asking the database only about well-formed ones', async () => {
      const { token } = await sessions.create('ada', DAY_SECONDS);
      const malformed = [
        '',
        'gs_',
        'gs_short',
        token.slice(3),
        `${token}x`,
        `Bearer ${token}`,
        'gs_' + 'A'.repeat(10_000),
      ];
      const lookups: (unknown | null)[] = [];

      const sent = await commandsSentDuring(harness.client, async () => {
        for (const candidate of malformed) lookups.push(await sessions.findByToken(candidate));
      });
      expect(lookups).toEqual(malformed.map(() => null));
      expect(sent).toEqual([]);

      const unknown = `gs_${'A'.repeat(43)}`;
      const sentForWellFormed = await commandsSentDuring(harness.client, async () => {
        expect(await sessions.findByToken(unknown)).toBeNull();
      });
      expect(sentForWellFormed).toContain('find');
    });

    it('ends one session with deleteByToken, and says whether there was one', async () => {
      const first = await sessions.create('ada', DAY_SECONDS);
      const second = await sessions.create('ada', DAY_SECONDS);

      expect(await sessions.deleteByToken(first.token)).toBe(true);
      expect(await sessions.deleteByToken(first.token)).toBe(false);
      expect(await sessions.deleteByToken('not-a-token')).toBe(false);
      expect(await sessions.findByToken(first.token)).toBeNull();
      expect(await sessions.findByToken(second.token)).not.toBeNull();
    });

    it('ends every session of one user and leaves other users signed in', async () => {
      const adas = await Promise.all([1, 2, 3].map(() => sessions.create('ada', DAY_SECONDS)));
      const graces = await sessions.create('grace', DAY_SECONDS);

      expect(await sessions.deleteAllForUser('ada')).toBe(3);
      expect(await sessions.deleteAllForUser('ada')).toBe(0);

      for (const { token } of adas) expect(await sessions.findByToken(token)).toBeNull();
      expect(await sessions.findByToken(graces.token)).toMatchObject({ userId: 'grace' });
    });

    describe('idle timeout', () => {
      const IDLE_SECONDS = 600;
      let idling: SessionRepository;
      beforeEach(() => {
        idling = harness.create({ now: clock.now, idleSeconds: IDLE_SECONDS });
      });

      it('refuses and deletes a session unused for the idle timeout, although its lifetime allows more', async () => {
        const { token } = await idling.create('ada', DAY_SECONDS);
        clock.advance(IDLE_SECONDS * 1000 - 1);
        expect(await idling.findByToken(token)).toMatchObject({ userId: 'ada' });
        clock.advance(IDLE_SECONDS * 1000);

        expect(await idling.findByToken(token)).toBeNull();
        expect(await raw.countDocuments({})).toBe(0);
      });

      it('keeps a session that is used alive past the idle timeout, until its absolute expiry', async () => {
        const { token } = await idling.create('ada', 3 * IDLE_SECONDS);
        for (let step = 0; step < 5; step++) {
          clock.advance((IDLE_SECONDS / 2) * 1000);
          expect(await idling.findByToken(token)).toMatchObject({ userId: 'ada' });
        }
        clock.advance((IDLE_SECONDS / 2) * 1000);

        expect(await idling.findByToken(token)).toBeNull();
      });

      it('records a use with at most one write a minute per session', async () => {
        const { token } = await idling.create('ada', DAY_SECONDS);
        const createdAt = clock.now();

        const withinAMinute = await commandsSentDuring(harness.client, async () => {
          for (let i = 0; i < 5; i++) {
            clock.advance(11_000);
            await idling.findByToken(token);
          }
        });
        expect(withinAMinute).toEqual(['find', 'find', 'find', 'find', 'find']);
        expect(await raw.findOne({})).toMatchObject({ lastUsedAt: createdAt });

        clock.advance(5_000);
        const afterAMinute = await commandsSentDuring(harness.client, () => idling.findByToken(token));
        expect(afterAMinute).toEqual(['find', 'update']);
        expect(await raw.findOne({})).toMatchObject({ lastUsedAt: clock.now() });
        clock.advance(1_000);
        expect(await commandsSentDuring(harness.client, () => idling.findByToken(token))).toEqual(['find']);
      });
    });

    it('creates its indexes idempotently: user id, and a TTL index on expiry', async () => {
      await sessions.ensureIndexes();
      await harness.create({ now: clock.now }).ensureIndexes();

      const indexes = await raw.listIndexes().toArray();
      expect(indexes.map((index) => index['key'])).toContainEqual({ userId: 1 });
      expect(indexes).toContainEqual(
        expect.objectContaining({ key: { expiresAt: 1 }, expireAfterSeconds: 0 }),
      );
    });
  });
}
