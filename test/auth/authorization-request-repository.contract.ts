import type { Collection, Db, Document } from 'mongodb';
import type { AuthorizationRequestRepository } from '../../src/auth/authorization-request.repository';
import { rawDocumentContains, TestClock } from '../support/mongo-target';

/** What a setup hands the contract suite: a way to build the implementation, and the raw database under it. */
export interface AuthorizationRequestRepositoryHarness {
  readonly db: Db;
  /** Where the implementation keeps used-state markers, read directly by the suite. */
  readonly collectionName: string;
  create(deps: { readonly now: () => Date }): AuthorizationRequestRepository;
  close(): Promise<void>;
}

const TEN_MINUTES = 10 * 60_000;

/** The AuthorizationRequestRepository contract: a state's use is recorded once, and the state is not stored. */
export function authorizationRequestRepositoryContract(
  implementation: string,
  setup: () => Promise<AuthorizationRequestRepositoryHarness>,
): void {
  describe(`${implementation} (AuthorizationRequestRepository contract)`, () => {
    const clock = new TestClock();
    let harness: AuthorizationRequestRepositoryHarness;
    let raw: Collection<Document>;
    let requests: AuthorizationRequestRepository;
    let counter = 0;

    const state = (): string => {
      counter += 1;
      return `state-${counter}-Yx9Qe1mTr4VzP0cLwK7sB2hN5jD8fG3a`;
    };
    const expiry = () => new Date(clock.now().getTime() + TEN_MINUTES);

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
      requests = harness.create({ now: clock.now });
      await requests.ensureIndexes();
    });

    it('records the first use of a state and refuses every later one', async () => {
      const used = state();

      expect(await requests.recordUse(used, expiry())).toBe(true);
      expect(await requests.recordUse(used, expiry())).toBe(false);
      expect(await raw.countDocuments({})).toBe(1);
    });

    it('records the uses of different states apart', async () => {
      expect(await requests.recordUse(state(), expiry())).toBe(true);
      expect(await requests.recordUse(state(), expiry())).toBe(true);
      expect(await raw.countDocuments({})).toBe(2);
    });

    it('lets exactly one of many concurrent uses of a state through, across instances', async () => {
      const used = state();
      const other = harness.create({ now: clock.now });

      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? requests : other).recordUse(used, expiry())),
      );

      expect(results.filter((result) => result)).toHaveLength(1);
      expect(await raw.countDocuments({})).toBe(1);
    });

    it('stores the state only as a hash, and keeps the marker at least until the state expires', async () => {
      const used = state();
      const expiresAt = expiry();
      await requests.recordUse(used, expiresAt);

      const documents = await raw.find({}).toArray();
      expect(documents).toHaveLength(1);
      expect(rawDocumentContains(documents[0]!, used)).toBe(false);
      expect((documents[0]!['expiresAt'] as Date).getTime()).toBeGreaterThanOrEqual(expiresAt.getTime());
      expect(documents[0]!['usedAt']).toEqual(clock.now());
    });

    it('creates a TTL index on expiry, idempotently', async () => {
      await requests.ensureIndexes();
      await harness.create({ now: clock.now }).ensureIndexes();

      const indexes = await raw.listIndexes().toArray();
      expect(indexes).toContainEqual(
        expect.objectContaining({ key: { expiresAt: 1 }, expireAfterSeconds: 0 }),
      );
    });
  });
}
