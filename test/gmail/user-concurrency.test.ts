import { GOOGLE_FAULTS } from '../../dev/google-emulator';
import { Harness, type SignedIn } from '../support/harness';

// At most GMAIL_USER_CONCURRENCY Gmail calls per user in flight from one instance, whichever of the user's
// requests sent them; Gmail's own 429 "Too many concurrent requests for user" is backed off and retried.

const SUBJECTS = `query Subjects($first: Int) {
  messages(first: $first) { edges { node { id subject } } }
}`;

// A type, not an interface: errorCodes() takes any response (a Record).
type Subjects = {
  messages: { edges: Array<{ node: { id: string; subject: string | null } }> };
};

async function fivePagesAtOnce(h: Harness, user: SignedIn) {
  return Promise.all(
    Array.from({ length: 5 }, () => h.graphql<Subjects>(SUBJECTS, { first: 20 }, { token: user.token })),
  );
}

function expectFullPages(responses: Awaited<ReturnType<typeof fivePagesAtOnce>>): void {
  for (const response of responses) {
    expect(response.body.errors).toBeUndefined();
    const edges = response.body.data!.messages.edges;
    expect(edges).toHaveLength(20);
    expect(edges.every((e) => typeof e.node.subject === 'string')).toBe(true);
  }
}

describe('the per-user concurrency limit (GMAIL_USER_CONCURRENCY)', () => {
  let h: Harness;
  let user: SignedIn;
  beforeAll(async () => {
    // No metadata cache: every page fetches its 20 messages, so 5 pages send 100 gets.
    h = await Harness.start({ env: { GMAIL_USER_CONCURRENCY: '3' }, metadataCacheMB: 0 });
    user = await h.signIn();
  });
  afterAll(() => h.stop());
  beforeEach(() => {
    // Calls that take a while overlap, so that a missing limit would show in the peak.
    h.emulator.setLatency('messages.list', { distribution: 'fixed', ms: 15 });
    h.emulator.setLatency('messages.get', { distribution: 'fixed', ms: 15 });
    h.emulator.resetUsage();
    h.emulator.clearRequests();
  });
  afterEach(() => h.emulator.clearFaults());

  it('never has more than 3 Gmail calls of one user in flight across 5 concurrent pages', async () => {
    expectFullPages(await fivePagesAtOnce(h, user));

    expect(h.emulator.count('messages.get')).toBe(100);
    expect(h.emulator.peakInFlight(user.viewer.id)).toBeLessThanOrEqual(3);
    expect(h.emulator.peakInFlight(user.viewer.id)).toBeGreaterThan(1);
  });

  it('retries Gmail’s 429 "Too many concurrent requests for user" and answers the page', async () => {
    h.emulator.injectFault('messages.get', { ...GOOGLE_FAULTS.tooManyConcurrentRequests, times: 2 });
    const response = await h.graphql<Subjects>(SUBJECTS, { first: 5 }, { token: user.token });

    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.messages.edges.every((e) => typeof e.node.subject === 'string')).toBe(true);
    expect(h.emulator.count('messages.get', (r) => r.status === 429)).toBe(2);
    expect(h.emulator.count('messages.get', (r) => r.status === 200)).toBe(5);
  });

  it('lets another user’s calls run beside a busy user’s', async () => {
    h.emulator.addUser({ email: 'grace@example.com' });
    const other = await h.signIn('grace@example.com');
    await Promise.all([fivePagesAtOnce(h, user), fivePagesAtOnce(h, other)]).then((both) =>
      both.forEach(expectFullPages),
    );
    expect(h.emulator.peakInFlight(user.viewer.id)).toBeLessThanOrEqual(3);
    expect(h.emulator.peakInFlight(other.viewer.id)).toBeLessThanOrEqual(3);
  });
});

describe('Gmail’s own concurrency limit below the gateway’s', () => {
  let h: Harness;
  let user: SignedIn;
  beforeAll(async () => {
    h = await Harness.start({
      emulator: { maxConcurrentPerUser: 2 },
      env: { GMAIL_USER_CONCURRENCY: '3' },
      metadataCacheMB: 0,
      // Room for the retries: one slot in three keeps meeting Gmail's limit while the pages are read.
      tuning: { retry: { budgetMs: 10_000, baseDelayMs: 10, maxAttempts: 25 } },
    });
    user = await h.signIn();
    h.emulator.setLatency('messages.get', { distribution: 'fixed', ms: 15 });
    h.emulator.clearRequests();
  });
  afterAll(() => h.stop());

  it('backs off and retries "Too many concurrent requests for user" until every page is read', async () => {
    expectFullPages(await fivePagesAtOnce(h, user));

    const refused = h.emulator.count('messages.get', (r) => r.status === 429);
    expect(refused).toBeGreaterThan(0);
    expect(h.emulator.count('messages.get', (r) => r.status === 200)).toBe(100);
  });
});
