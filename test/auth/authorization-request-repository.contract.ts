import type { Collection, Db, Document } from 'mongodb';
import type {
  PendingAuthorization,
  AuthorizationRequestRepository,
} from '../../src/auth/authorization-request.repository';
import type { EncryptionKey } from '../../src/config';
import { TokenCipher } from '../../src/credentials/token-cipher';
import { rawDocumentContains, TestClock } from '../support/mongo-target';

/** What a setup hands the contract suite: a way to build the implementation, and the raw database under it. */
export interface AuthorizationRequestRepositoryHarness {
  readonly db: Db;
  /** Where the implementation keeps pending requests, read directly by the suite. */
  readonly collectionName: string;
  create(deps: {
    readonly keys: readonly EncryptionKey[];
    readonly now: () => Date;
  }): AuthorizationRequestRepository;
  close(): Promise<void>;
}

const TEN_MINUTES = 10 * 60_000;

/** The AuthorizationRequestRepository contract: a state works once, and nothing secret is stored in clear. */
export function authorizationRequestRepositoryContract(
  implementation: string,
  setup: () => Promise<AuthorizationRequestRepositoryHarness>,
): void {
  describe(`${implementation} (AuthorizationRequestRepository contract)`, () => {
    const clock = new TestClock();
    const key = TokenCipher.generateKey('2026-03');
    let harness: AuthorizationRequestRepositoryHarness;
    let raw: Collection<Document>;
    let requests: AuthorizationRequestRepository;
    let counter = 0;

    const request = (overrides: Partial<PendingAuthorization> = {}): PendingAuthorization => {
      counter += 1;
      return {
        state: `state-${counter}-Yx9Qe1mTr4VzP0cLwK7sB2hN5jD8fG3a`,
        codeVerifier: `verifier-${counter}-9fKq2LmZp7XwR4tV1yB6nC3hJ8dS0gA5eU`,
        loginHint: 'ada.lovelace@example.com',
        expiresAt: new Date(clock.now().getTime() + TEN_MINUTES),
        ...overrides,
      };
    };

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
      requests = harness.create({ keys: [key], now: clock.now });
      await requests.ensureIndexes();
    });

    it('gives the request back once for its state; the second time the state is unknown', async () => {
      const saved = request();
      await requests.save(saved);

      expect(await requests.consume(saved.state)).toEqual(saved);
      expect(await requests.consume(saved.state)).toBeNull();
      expect(await raw.countDocuments({})).toBe(0);
    });

    it('keeps a request without a login hint as such', async () => {
      const saved = request({ loginHint: null });
      await requests.save(saved);

      expect(await requests.consume(saved.state)).toEqual(saved);
    });

    it('answers null for a state it never issued', async () => {
      await requests.save(request());

      expect(await requests.consume('a-state-nobody-issued')).toBeNull();
      expect(await raw.countDocuments({})).toBe(1);
    });

    it('lets exactly one of many concurrent exchanges consume a state', async () => {
      const saved = request();
      await requests.save(saved);

      const results = await Promise.all(Array.from({ length: 8 }, () => requests.consume(saved.state)));

      expect(results.filter((result) => result !== null)).toEqual([saved]);
    });

    it('refuses an expired request, and removes it, although the TTL sweep has not run', async () => {
      const saved = request();
      await requests.save(saved);
      clock.advance(TEN_MINUTES);

      expect(await requests.consume(saved.state)).toBeNull();
      expect(await raw.countDocuments({})).toBe(0);
    });

    it('stores neither the state nor the PKCE verifier in clear', async () => {
      const saved = request();
      await requests.save(saved);

      const documents = await raw.find({}).toArray();
      expect(documents).toHaveLength(1);
      expect(rawDocumentContains(documents[0]!, saved.state)).toBe(false);
      expect(rawDocumentContains(documents[0]!, saved.codeVerifier)).toBe(false);
      expect(documents[0]).toMatchObject({ loginHint: saved.loginHint, expiresAt: saved.expiresAt });
    });

    it('treats a request whose verifier no longer decrypts (key removed) as unknown', async () => {
      const saved = request();
      await requests.save(saved);
      const afterKeyLoss = harness.create({ keys: [TokenCipher.generateKey('2026-04')], now: clock.now });

      expect(await afterKeyLoss.consume(saved.state)).toBeNull();
      expect(await raw.countDocuments({})).toBe(0);
    });

    it('does not accept a verifier moved into another request', async () => {
      const victim = request({ loginHint: 'victim@example.com' });
      const attacker = request({ loginHint: 'attacker@example.com' });
      await requests.save(victim);
      await requests.save(attacker);
      const victims = await raw.findOne({ loginHint: 'victim@example.com' });
      await raw.updateOne(
        { loginHint: 'attacker@example.com' },
        { $set: { codeVerifier: victims?.['codeVerifier'] } },
      );

      expect(await requests.consume(attacker.state)).toBeNull();
      expect(await requests.consume(victim.state)).toEqual(victim);
    });

    it('creates a TTL index on expiry, idempotently', async () => {
      await requests.ensureIndexes();
      await harness.create({ keys: [key], now: clock.now }).ensureIndexes();

      const indexes = await raw.listIndexes().toArray();
      expect(indexes).toContainEqual(
        expect.objectContaining({ key: { expiresAt: 1 }, expireAfterSeconds: 0 }),
      );
    });
  });
}
