import { GOOGLE_FAULTS } from '../../dev/google-emulator';
import { errorCodes, eventually, Harness, type SignedIn } from '../support/harness';

// Deadlines on calls to Google and on whole requests, over real HTTP with the real googleapis against the
// emulator: a stalled Google never holds a request past REQUEST_TIMEOUT_MS, nor a call past GOOGLE_TIMEOUT_MS,
// and a client that hangs up takes its Gmail calls with it.

const SUBJECTS = `query Subjects($first: Int) {
  messages(first: $first) { edges { node { id subject } } }
}`;

// A type, not an interface: errorCodes() takes any response (a Record).
type Subjects = {
  messages: { edges: Array<{ node: { id: string; subject: string | null } }> };
};

/** Gmail calls the emulator saw end without an answer: the gateway hung up on them. */
function abandoned(h: Harness, endpoint: 'messages.list' | 'messages.get'): number {
  return h.emulator.count(endpoint, (r) => r.status === 0);
}

describe('the request deadline (REQUEST_TIMEOUT_MS)', () => {
  let h: Harness;
  let user: SignedIn;
  beforeAll(async () => {
    // The call timeout is far longer than the request's deadline, so the deadline is what ends the call.
    h = await Harness.start({
      env: { REQUEST_TIMEOUT_MS: '1500', GOOGLE_TIMEOUT_MS: '60000' },
      metadataCacheMB: 0,
    });
    user = await h.signIn();
  });
  afterAll(() => h.stop());

  it('answers UPSTREAM_UNAVAILABLE within the deadline when Gmail stalls, and hangs up on the stalled call', async () => {
    h.emulator.injectFault('messages.list', { ...GOOGLE_FAULTS.stall });
    const started = Date.now();
    const response = await h.graphql(SUBJECTS, { first: 5 }, { token: user.token });
    const elapsed = Date.now() - started;

    expect(errorCodes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(response.body.data).toBeNull();
    expect(elapsed).toBeLessThan(1500 + 1000);
    expect(
      await eventually(
        async () => abandoned(h, 'messages.list'),
        (n) => n === 1,
      ),
    ).toBe(1);
  });

  it('keeps serving after a request passed its deadline', async () => {
    const response = await h.graphql<Subjects>(SUBJECTS, { first: 5 }, { token: user.token });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.messages.edges).toHaveLength(5);
    expect(response.body.data!.messages.edges.every((e) => e.node.subject !== null)).toBe(true);
  });

  it('answers the fields still waiting on Gmail with UPSTREAM_UNAVAILABLE and the others with data', async () => {
    const [stalled] = h.emulator.messagesOf(user.viewer.id);
    h.emulator.injectFault('messages.get', { ...GOOGLE_FAULTS.stall, messageId: stalled!.id });
    const response = await h.graphql<Subjects>(SUBJECTS, { first: 5 }, { token: user.token });

    expect(errorCodes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(response.body.errors![0]!.path).toEqual(['messages', 'edges', 0, 'node', 'subject']);
    const edges = response.body.data!.messages.edges;
    expect(edges[0]!.node).toEqual({ id: stalled!.id, subject: null });
    expect(edges.slice(1).every((e) => e.node.subject !== null)).toBe(true);
    expect(
      await eventually(
        async () => abandoned(h, 'messages.get'),
        (n) => n === 1,
      ),
    ).toBe(1);
  });
});

describe('the timeout of one call to Google (GOOGLE_TIMEOUT_MS)', () => {
  let h: Harness;
  let user: SignedIn;
  beforeAll(async () => {
    // Long enough for a loaded machine's ordinary answers; the request deadline stays at its default (20 s).
    h = await Harness.start({ env: { GOOGLE_TIMEOUT_MS: '1500' }, metadataCacheMB: 0 });
    user = await h.signIn();
  });
  afterAll(() => h.stop());
  afterEach(() => h.emulator.clearFaults());

  it('turns a stalled messages.get into UPSTREAM_UNAVAILABLE long before the request deadline', async () => {
    const [stalled] = h.emulator.messagesOf(user.viewer.id);
    // Every attempt stalls, retries included.
    h.emulator.injectFault('messages.get', {
      ...GOOGLE_FAULTS.stall,
      messageId: stalled!.id,
      times: Infinity,
    });
    const response = await h.graphql<Subjects>(SUBJECTS, { first: 3 }, { token: user.token });

    expect(errorCodes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(response.body.errors![0]!.path).toEqual(['messages', 'edges', 0, 'node', 'subject']);
    expect(response.body.data!.messages.edges.slice(1).every((e) => e.node.subject !== null)).toBe(true);
    // The gateway hung up on every attempt at the stalled message, and on nothing else.
    expect(
      await eventually(
        async () => abandoned(h, 'messages.get'),
        (n) => n >= 1,
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(h.emulator.count('messages.get', (r) => r.messageId === stalled!.id && r.status !== 0)).toBe(0);
    expect(h.emulator.count('messages.get', (r) => r.messageId !== stalled!.id && r.status === 0)).toBe(0);
  });

  it('times out a stalled token refresh, which google-auth-library then retries', async () => {
    h.emulator.expireAccessTokens(user.viewer.id);
    h.emulator.injectFault('token', { ...GOOGLE_FAULTS.stall });
    const response = await h.graphql<Subjects>(SUBJECTS, { first: 1 }, { token: user.token });

    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.messages.edges).toHaveLength(1);
    const refreshes = h.emulator.requests.filter((r) => r.endpoint === 'token').slice(-2);
    expect(refreshes.map((r) => r.status)).toEqual([0, 200]);
  });
});

describe('a client that hangs up', () => {
  let h: Harness;
  let user: SignedIn;
  beforeAll(async () => {
    h = await Harness.start();
    user = await h.signIn();
  });
  afterAll(() => h.stop());

  it('aborts the Gmail calls of its request', async () => {
    h.emulator.injectFault('messages.list', { ...GOOGLE_FAULTS.stall });
    const client = new AbortController();
    const sent = fetch(`${h.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
      body: JSON.stringify({ query: SUBJECTS, variables: { first: 5 } }),
      signal: client.signal,
    });
    await eventually(
      async () => h.emulator.usage(user.viewer.id).inFlight,
      (n) => n === 1,
    );
    client.abort();
    await expect(sent).rejects.toThrow();

    // Nothing else would end the stalled call: the deadlines are the defaults (20 s and 10 s).
    expect(
      await eventually(
        async () => abandoned(h, 'messages.list'),
        (n) => n === 1,
      ),
    ).toBe(1);
    expect(h.emulator.usage(user.viewer.id).inFlight).toBe(0);
  });
});
