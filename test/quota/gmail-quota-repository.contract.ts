import type { Db, Document } from 'mongodb';
import type { GmailQuotaRepository, QuotaWindow } from '../../src/quota/gmail-quota.repository';

export interface GmailQuotaRepositoryFixture {
  readonly db: Db;
  readonly collectionName: string;
  create(): GmailQuotaRepository;
  close(): Promise<void>;
}

const WINDOW: QuotaWindow = { startMs: 1_795_000_000_000, endMs: 1_795_000_060_000 };
const NEXT: QuotaWindow = { startMs: WINDOW.endMs, endMs: WINDOW.endMs + 60_000 };

/** The contract every GmailQuotaRepository implementation meets, checked against the raw documents. */
export function gmailQuotaRepositoryContract(
  name: string,
  setUp: () => Promise<GmailQuotaRepositoryFixture>,
): void {
  describe(`${name} (GmailQuotaRepository contract)`, () => {
    let fixture: GmailQuotaRepositoryFixture;
    let quota: GmailQuotaRepository;
    const raw = (id: string): Promise<Document | null> =>
      fixture.db.collection(fixture.collectionName).findOne({ _id: id as never });

    /** A reservation of a user no block holds: the window's units after it, or null when refused as full. */
    const reserve = async (userId: string, window: QuotaWindow, units: number, limit: number) => {
      const result = await quota.reserveUnlessBlocked(userId, window, units, limit, new Date(window.startMs));
      if (result.kind === 'blocked') throw new Error(`${userId} is blocked, which this test never arranged`);
      return result.kind === 'reserved' ? result.unitsAfter : null;
    };

    beforeEach(async () => {
      fixture = await setUp();
      quota = fixture.create();
      await quota.ensureIndexes();
    });
    afterEach(() => fixture.close());

    it('creates its TTL index idempotently', async () => {
      await quota.ensureIndexes();
      const indexes = await fixture.db.collection(fixture.collectionName).listIndexes().toArray();
      expect(indexes).toContainEqual(
        expect.objectContaining({ key: { expiresAt: 1 }, expireAfterSeconds: 0 }),
      );
    });

    it('reserves into a fresh window and stores the units under <userId>:<windowStartMs>', async () => {
      expect(await reserve('ada', WINDOW, 105, 500)).toBe(105);
      const stored = await raw(`ada:${WINDOW.startMs}`);
      expect(stored).toMatchObject({ units: 105, userId: 'ada' });
      expect((stored?.['expiresAt'] as Date).getTime()).toBeGreaterThanOrEqual(WINDOW.endMs);
    });

    it('adds reservations up to the limit and refuses the one that would pass it, writing nothing', async () => {
      expect(await reserve('ada', WINDOW, 300, 500)).toBe(300);
      expect(await reserve('ada', WINDOW, 200, 500)).toBe(500);
      expect(await reserve('ada', WINDOW, 5, 500)).toBeNull();
      expect(await raw(`ada:${WINDOW.startMs}`)).toMatchObject({ units: 500 });
    });

    it('refuses a cost above the limit even in a fresh window', async () => {
      expect(await reserve('ada', WINDOW, 501, 500)).toBeNull();
      expect(await raw(`ada:${WINDOW.startMs}`)).toBeNull();
    });

    it('keeps users and windows apart', async () => {
      expect(await reserve('ada', WINDOW, 500, 500)).toBe(500);
      expect(await reserve('bob', WINDOW, 500, 500)).toBe(500);
      expect(await reserve('ada', NEXT, 500, 500)).toBe(500);
    });

    it('never lets concurrent reservations pass the limit together', async () => {
      const results = await Promise.all(Array.from({ length: 12 }, () => reserve('ada', WINDOW, 100, 500)));
      expect(results.filter((r) => r !== null)).toHaveLength(5);
      expect(await raw(`ada:${WINDOW.startMs}`)).toMatchObject({ units: 500 });
    });

    it('adjusts a window by a refund or an extra charge and returns its units', async () => {
      await reserve('ada', WINDOW, 105, 500);
      expect(await quota.adjust('ada', WINDOW, -60)).toBe(45);
      expect(await quota.adjust('ada', WINDOW, 10)).toBe(55);
      expect(await raw(`ada:${WINDOW.startMs}`)).toMatchObject({ units: 55 });
    });

    it('records a block under <userId>:block, keeps the later end, and reports it until it ends', async () => {
      const until = new Date(WINDOW.startMs + 900_000);
      await quota.block('ada', until);
      await quota.block('ada', new Date(WINDOW.startMs + 60_000));
      expect(await raw('ada:block')).toMatchObject({ until, expiresAt: until });
      expect(await quota.blockedUntil('ada', new Date(WINDOW.startMs))).toEqual(until);
      expect(await quota.blockedUntil('ada', until)).toBeNull();
      expect(await quota.blockedUntil('bob', new Date(WINDOW.startMs))).toBeNull();
    });

    describe('reserveUnlessBlocked: the request path, one write once the window exists', () => {
      const NOW = new Date(WINDOW.startMs + 1_000);
      const UNTIL = new Date(WINDOW.startMs + 900_000);

      it('reserves like reserve and refuses a full window as full, writing nothing', async () => {
        expect(await quota.reserveUnlessBlocked('ada', WINDOW, 300, 500, NOW)).toEqual({
          kind: 'reserved',
          unitsAfter: 300,
        });
        expect(await quota.reserveUnlessBlocked('ada', WINDOW, 200, 500, NOW)).toEqual({
          kind: 'reserved',
          unitsAfter: 500,
        });
        expect(await quota.reserveUnlessBlocked('ada', WINDOW, 5, 500, NOW)).toEqual({ kind: 'full' });
        expect(await quota.reserveUnlessBlocked('ada', WINDOW, 501, 500, NOW)).toEqual({ kind: 'full' });
        expect(await raw(`ada:${WINDOW.startMs}`)).toMatchObject({ units: 500 });
      });

      it('refuses a user blocked after their window exists, keeping the window units as they were', async () => {
        await quota.reserveUnlessBlocked('ada', WINDOW, 100, 500, NOW);
        await quota.block('ada', UNTIL);
        expect(await quota.reserveUnlessBlocked('ada', WINDOW, 100, 500, NOW)).toEqual({
          kind: 'blocked',
          until: UNTIL,
        });
        expect(await raw(`ada:${WINDOW.startMs}`)).toMatchObject({ units: 100, blockedUntil: UNTIL });
      });

      it('refuses a user blocked before the window existed and gives the units back', async () => {
        await quota.block('ada', UNTIL);
        expect(await quota.reserveUnlessBlocked('ada', WINDOW, 100, 500, NOW)).toEqual({
          kind: 'blocked',
          until: UNTIL,
        });
        expect(await raw(`ada:${WINDOW.startMs}`)).toMatchObject({ units: 0, blockedUntil: UNTIL });
        expect(await quota.reserveUnlessBlocked('ada', WINDOW, 100, 500, NOW)).toEqual({
          kind: 'blocked',
          until: UNTIL,
        });
        expect(await raw(`ada:${WINDOW.startMs}`)).toMatchObject({ units: 0 });
      });

      it('answers blocked rather than full when both hold, as a block is what ends later', async () => {
        await quota.reserveUnlessBlocked('ada', WINDOW, 500, 500, NOW);
        await quota.block('ada', UNTIL);
        expect(await quota.reserveUnlessBlocked('ada', WINDOW, 5, 500, NOW)).toEqual({
          kind: 'blocked',
          until: UNTIL,
        });
        expect(await quota.reserveUnlessBlocked('ada', WINDOW, 501, 500, NOW)).toEqual({
          kind: 'blocked',
          until: UNTIL,
        });
      });

      it('reserves again once the block has ended, in the same window and in the next', async () => {
        const shortBlock = new Date(WINDOW.startMs + 30_000);
        await quota.reserveUnlessBlocked('ada', WINDOW, 100, 500, NOW);
        await quota.block('ada', shortBlock);
        expect(await quota.reserveUnlessBlocked('ada', WINDOW, 100, 500, NOW)).toMatchObject({
          kind: 'blocked',
        });
        expect(await quota.reserveUnlessBlocked('ada', WINDOW, 100, 500, shortBlock)).toEqual({
          kind: 'reserved',
          unitsAfter: 200,
        });
        expect(
          await quota.reserveUnlessBlocked('ada', NEXT, 100, 500, new Date(NEXT.startMs + 1_000)),
        ).toEqual({ kind: 'reserved', unitsAfter: 100 });
      });

      it('blocks only the user it names', async () => {
        await quota.reserveUnlessBlocked('bob', WINDOW, 100, 500, NOW);
        await quota.block('ada', UNTIL);
        expect(await quota.reserveUnlessBlocked('bob', WINDOW, 100, 500, NOW)).toEqual({
          kind: 'reserved',
          unitsAfter: 200,
        });
        expect(await raw(`bob:${WINDOW.startMs}`)).not.toHaveProperty('blockedUntil');
      });

      it('lets no concurrent first reservation of a blocked user through, and none keeps units', async () => {
        await quota.block('ada', UNTIL);
        const results = await Promise.all(
          Array.from({ length: 8 }, () => quota.reserveUnlessBlocked('ada', WINDOW, 100, 500, NOW)),
        );
        expect(results).toEqual(Array.from({ length: 8 }, () => ({ kind: 'blocked', until: UNTIL })));
        expect(await raw(`ada:${WINDOW.startMs}`)).toMatchObject({ units: 0 });
      });

      it('never lets concurrent reservations pass the limit together', async () => {
        const results = await Promise.all(
          Array.from({ length: 12 }, () => quota.reserveUnlessBlocked('ada', WINDOW, 100, 500, NOW)),
        );
        expect(results.filter((r) => r.kind === 'reserved')).toHaveLength(5);
        expect(results.filter((r) => r.kind === 'full')).toHaveLength(7);
        expect(await raw(`ada:${WINDOW.startMs}`)).toMatchObject({ units: 500 });
      });
    });
  });
}
