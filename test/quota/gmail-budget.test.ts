import { GOOGLE_FAULTS } from '../../dev/google-emulator';
import { errorCodes, Harness, type GraphQLResponse, type SignedIn } from '../support/harness';

interface Quota {
  spentUnits: number;
  remainingUnits: number;
  resetAt: string;
}
type Page = { messages: { edges: { node: { id: string } }[]; pageInfo: { endCursor: string | null } } };

const DETAILS = `query Details($first: Int, $after: String) {
  messages(first: $first, after: $after) { edges { node { id subject from } } pageInfo { endCursor } }
}`;
const IDS = `query Ids($first: Int, $after: String) {
  messages(first: $first, after: $after) { edges { node { id } } pageInfo { endCursor } }
}`;
const LIMIT = 200;
const WINDOW_MS = 60_000;

function quotaOf(response: GraphQLResponse): Quota | undefined {
  return (response.body as { extensions?: { gmailQuota?: Quota } }).extensions?.gmailQuota;
}

/** Gmail calls the emulator received for a user (answered or not). */
function gmailCalls(h: Harness, userId: string): number {
  return h.emulator.requests.filter(
    (r) => (r.endpoint === 'messages.list' || r.endpoint === 'messages.get') && r.userId === userId,
  ).length;
}

/** Adds a user to the emulator (40 messages) and signs them in. */
function newUser(h: Harness, email: string): Promise<SignedIn> {
  h.emulator.addUser({ email });
  return h.signIn(email);
}

describe('the per-user Gmail budget, shared by every instance', () => {
  // One frozen clock for both instances, placed early in a window so that no test straddles two by accident.
  let nowMs = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS + 1_000;
  const now = () => new Date(nowMs);
  let h1: Harness;
  let h2: Harness;

  beforeAll(async () => {
    const env = { GMAIL_USER_QUOTA_PER_MINUTE: String(LIMIT) };
    h1 = await Harness.start({ env, now });
    h2 = await Harness.start({
      env,
      now,
      db: { uri: h1.dbUri, name: h1.dbName },
      encryptionKeys: h1.encryptionKeys,
      google: h1.emulator,
    });
  });
  afterAll(async () => {
    await h2.stop();
    await h1.stop();
  });

  it('refuses a user who spent the minute with RATE_LIMITED until the window ends, on every instance, without calling Gmail', async () => {
    const ada = await newUser(h1, 'ada.budget@example.com');
    const bob = await newUser(h1, 'bob.budget@example.com');
    const windowEnd = Math.floor(nowMs / WINDOW_MS) * WINDOW_MS + WINDOW_MS;

    // 1 list + 39 gets at 5 units each: the whole minute.
    const spending = await h1.graphql(DETAILS, { first: 39 }, { token: ada.token });
    expect(spending.body.errors).toBeUndefined();
    expect(quotaOf(spending)).toEqual({
      spentUnits: LIMIT,
      remainingUnits: 0,
      resetAt: new Date(windowEnd).toISOString(),
    });

    const callsBefore = gmailCalls(h1, ada.viewer.id);
    for (const gateway of [h1, h2]) {
      const refused = await gateway.graphql(IDS, { first: 1 }, { token: ada.token });
      expect(errorCodes(refused)).toEqual(['RATE_LIMITED']);
      expect(refused.body.errors?.[0]?.extensions?.['retryAfterSeconds']).toBe(
        Math.ceil((windowEnd - nowMs) / 1000),
      );
      expect(quotaOf(refused)).toBeUndefined();
    }
    expect(gmailCalls(h1, ada.viewer.id)).toBe(callsBefore);

    const other = await h2.graphql(IDS, { first: 1 }, { token: bob.token });
    expect(other.body.errors).toBeUndefined();
    expect(quotaOf(other)).toMatchObject({ spentUnits: 5, remainingUnits: LIMIT - 5 });

    nowMs = windowEnd + 1_000;
    const again = await h2.graphql(IDS, { first: 1 }, { token: ada.token });
    expect(again.body.errors).toBeUndefined();
    expect(quotaOf(again)).toEqual({
      spentUnits: 5,
      remainingUnits: LIMIT - 5,
      resetAt: new Date(windowEnd + WINDOW_MS).toISOString(),
    });
  });

  it('reports units that add up to what Gmail counted, cached metadata and short reservations included', async () => {
    const carol = await newUser(h1, 'carol.budget@example.com');
    h1.emulator.resetUsage(carol.viewer.email);
    const responses: GraphQLResponse<Page>[] = [];
    const ask = async (gateway: Harness, query: string, variables: Record<string, unknown>) => {
      const response = await gateway.graphql<Page>(query, variables, { token: carol.token });
      expect(response.body.errors).toBeUndefined();
      responses.push(response);
      return response.body.data!.messages;
    };

    await ask(h1, DETAILS, { first: 10 }); // 1 list + 10 gets
    const second = await ask(h1, DETAILS, { first: 15 }); // 10 of 15 cached: 1 list + 5 gets
    await ask(h2, IDS, { first: 20, after: second.pageInfo.endCursor }); // reserved 2 lists, used 1
    await ask(h2, DETAILS, { first: 3 }); // another instance: its cache is empty

    const spent = responses.map((r) => quotaOf(r)!.spentUnits);
    expect(spent).toEqual([55, 30, 5, 20]);
    const total = spent.reduce((a, b) => a + b, 0);
    expect(h1.emulator.quotaSpent(carol.viewer.email)).toBe(total);
    expect(quotaOf(responses.at(-1)!)?.remainingUnits).toBe(LIMIT - total);
    const window = Math.floor(nowMs / WINDOW_MS) * WINDOW_MS;
    const stored = await h1.db
      .collection('gmailQuota')
      .findOne({ _id: `${carol.viewer.id}:${window}` as never });
    expect(stored).toMatchObject({ units: total, userId: carol.viewer.id });
  });

  it('writes nothing and reports nothing for a request that calls no Gmail method', async () => {
    const dan: SignedIn = await newUser(h1, 'dan.budget@example.com');
    const response = await h1.graphql('{ viewer { id email } }', {}, { token: dan.token });
    expect(response.body.errors).toBeUndefined();
    expect(quotaOf(response)).toBeUndefined();
    expect(await h1.db.collection('gmailQuota').countDocuments({ userId: dan.viewer.id })).toBe(0);
  });
});

describe('what one operation may ask of Gmail', () => {
  let h: Harness;
  let eve: SignedIn;
  beforeAll(async () => {
    h = await Harness.start();
    eve = await newUser(h, 'eve.plan@example.com');
  });
  afterAll(() => h.stop());

  const aliases = (count: number, fields: string) =>
    `query Flood($n: Int) { ${Array.from({ length: count }, (_, i) => `a${i}: messages(first: $n) { edges { node { ${fields} } } }`).join(' ')} }`;

  it('refuses the variable-`first` alias flood before any resolver runs, with no Gmail call', async () => {
    const before = gmailCalls(h, eve.viewer.id);
    const response = await h.graphql(aliases(15, 'id subject'), { n: 100 }, { token: eve.token });
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors?.[0]?.message).toContain('1500 messages');
    expect(gmailCalls(h, eve.viewer.id)).toBe(before);
  });

  it('counts fragments, inline fragments and argument defaults', async () => {
    const query = `query Split($n: Int) {
      a: messages(first: $n) { ...Page }
      ... on Query { b: messages { edges { node { id } } } }
    }
    fragment Page on MessageConnection { edges { node { id } } }`;
    const before = gmailCalls(h, eve.viewer.id);
    // 81 + the default 20 = 101.
    const refused = await h.graphql(query, { n: 81 }, { token: eve.token });
    expect(refused.status).toBe(400);
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(gmailCalls(h, eve.viewer.id)).toBe(before);

    const allowed = await h.graphql(query, { n: 80 }, { token: eve.token });
    expect(allowed.body.errors).toBeUndefined();
    expect(quotaOf(allowed)?.spentUnits).toBe(10);
  });

  it('leaves a `first` out of range to the resolver, which refuses it as before', async () => {
    const response = await h.graphql(IDS, { first: 500 }, { token: eve.token });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors?.[0]?.extensions?.['argumentName']).toBe('first');
  });
});

describe('a limit Google announces', () => {
  let h1: Harness;
  let h2: Harness;
  beforeAll(async () => {
    h1 = await Harness.start();
    h2 = await Harness.start({
      db: { uri: h1.dbUri, name: h1.dbName },
      encryptionKeys: h1.encryptionKeys,
      google: h1.emulator,
    });
  });
  afterAll(async () => {
    await h2.stop();
    await h1.stop();
  });
  afterEach(() => h1.emulator.clearFaults());

  it.each(['userRateLimitExceeded', 'userRateLimitExceeded429'] as const)(
    'answers %s "Retry after <time>" with RATE_LIMITED until that time, on every instance, without calling Google again',
    async (fault) => {
      const user = await newUser(h1, `${fault.toLowerCase()}@example.com`);
      const retryAt = Date.now() + 15 * 60_000;
      h1.emulator.injectFault('messages.list', { ...GOOGLE_FAULTS[fault], retryAt, times: 1 });

      const first = await h1.graphql(IDS, { first: 5 }, { token: user.token });
      expect(errorCodes(first)).toEqual(['RATE_LIMITED']);
      const seconds = first.body.errors?.[0]?.extensions?.['retryAfterSeconds'] as number;
      expect(Math.abs(Date.now() + seconds * 1000 - retryAt)).toBeLessThanOrEqual(1_000);
      expect(gmailCalls(h1, user.viewer.id)).toBe(1);
      const block = await h1.db.collection('gmailQuota').findOne({ _id: `${user.viewer.id}:block` as never });
      expect((block?.['until'] as Date).getTime()).toBe(retryAt);

      for (const gateway of [h1, h2]) {
        const blocked = await gateway.graphql(IDS, { first: 5 }, { token: user.token });
        expect(errorCodes(blocked)).toEqual(['RATE_LIMITED']);
        const wait = blocked.body.errors?.[0]?.extensions?.['retryAfterSeconds'] as number;
        expect(Math.abs(Date.now() + wait * 1000 - retryAt)).toBeLessThanOrEqual(1_000);
      }
      expect(gmailCalls(h1, user.viewer.id)).toBe(1);
    },
  );

  it('backs off and retries "Too many concurrent requests for user", which announces no end, and blocks nobody', async () => {
    const user = await newUser(h1, 'concurrent.limit@example.com');
    h1.emulator.injectFault('messages.list', { ...GOOGLE_FAULTS.tooManyConcurrentRequests, times: 1 });
    const response = await h1.graphql(IDS, { first: 5 }, { token: user.token });
    expect(response.body.errors).toBeUndefined();
    expect(gmailCalls(h1, user.viewer.id)).toBe(2);
    // Both attempts are charged: Google counts what it was sent.
    expect(quotaOf(response)?.spentUnits).toBe(10);
    expect(
      await h1.db.collection('gmailQuota').findOne({ _id: `${user.viewer.id}:block` as never }),
    ).toBeNull();
  });
});
