import { GOOGLE_FAULTS } from '../../dev/google-emulator';
import { Harness, type SignedIn } from '../support/harness';

// GMAIL_FETCH_MODE=batch: a request's message reads leave in Gmail's HTTP batch calls, each inner call still
// charged, slotted, retried and translated as a call of its own.

const PAGE = `query Page($first: Int) {
  messages(first: $first) { edges { node { id subject from } } }
}`;

type Page = {
  messages: { edges: Array<{ node: { id: string; subject: string | null; from: string | null } }> };
};

describe('message reads in batch mode', () => {
  let h: Harness;
  let user: SignedIn;
  beforeAll(async () => {
    // No metadata cache: every page reads each of its messages from Gmail.
    h = await Harness.start({
      env: { GMAIL_FETCH_MODE: 'batch', GMAIL_USER_CONCURRENCY: '4', GOOGLE_TIMEOUT_MS: '1000' },
      emulator: { maxConcurrentPerUser: 4 },
      metadataCacheMB: 0,
    });
    user = await h.signIn();
  });
  afterAll(() => h.stop());
  beforeEach(() => {
    h.emulator.resetUsage();
    h.emulator.clearRequests();
  });
  afterEach(() => h.emulator.clearFaults());

  it('reads a page in batch calls of at most the concurrency limit, each get charged and served once', async () => {
    const expected = h.emulator.messagesOf(user.viewer.id).slice(0, 10);
    const response = await h.graphql<Page>(PAGE, { first: 10 }, { token: user.token });

    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.messages.edges.map((e) => [e.node.id, e.node.subject])).toEqual(
      expected.map((m) => [m.id, m.subject]),
    );
    const gets = h.emulator.requests.filter((r) => r.endpoint === 'messages.get');
    expect(gets).toHaveLength(10);
    expect(gets.every((r) => r.inBatch === true && r.status === 200)).toBe(true);
    expect(gets.map((r) => r.query)).toContainEqual({ format: 'metadata', metadataHeaders: 'Subject,From' });
    // 10 gets with 4 slots: three batches (4, 4, 2), never more inner calls out than the limit.
    expect(h.emulator.count('batch')).toBe(3);
    expect(h.emulator.count('messages.get', (r) => r.status === 429)).toBe(0);
    expect(h.emulator.quotaSpent(user.viewer.id)).toBe(5 + 10 * 5);
    const { extensions } = response.body as { extensions?: { gmailQuota?: { spentUnits: number } } };
    expect(extensions?.gmailQuota).toMatchObject({ spentUnits: 5 + 10 * 5 });
  });

  it('fails only the field of a message whose get failed, and retries a transient failure in a later batch', async () => {
    const [first, second, third] = h.emulator.messagesOf(user.viewer.id).map((m) => m.id);
    h.emulator.injectFault('messages.get', { ...GOOGLE_FAULTS.insufficientPermissions, messageId: second! });
    h.emulator.injectFault('messages.get', { ...GOOGLE_FAULTS.preconditionFailed, messageId: third! });
    const response = await h.graphql<Page>(PAGE, { first: 3 }, { token: user.token });

    const edges = response.body.data!.messages.edges;
    expect(edges.map((e) => e.node.id)).toEqual([first, second, third]);
    expect(typeof edges[0]!.node.subject).toBe('string');
    expect(typeof edges[2]!.node.subject).toBe('string');
    expect(response.body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['messages', 'edges', 1, 'node', 'subject'], 'INSUFFICIENT_SCOPE'],
      [['messages', 'edges', 1, 'node', 'from'], 'INSUFFICIENT_SCOPE'],
    ]);
    expect(h.emulator.count('messages.get', (r) => r.messageId === third)).toBe(2);
    expect(h.emulator.count('batch')).toBe(2);
    // Google charges attempts: the retried get twice, the refused ones (faults) not at all.
    expect(h.emulator.quotaSpent(user.viewer.id)).toBe(5 + 2 * 5);
  });

  it('refreshes the access token once when an inner call answers 401, and replays that call', async () => {
    h.emulator.injectFault('messages.get', { ...GOOGLE_FAULTS.invalidCredentials });
    const response = await h.graphql<Page>(PAGE, { first: 3 }, { token: user.token });

    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.messages.edges.every((e) => typeof e.node.subject === 'string')).toBe(true);
    expect(h.emulator.count('token', (r) => r.grantType === 'refresh_token')).toBe(1);
    expect(h.emulator.count('messages.get', (r) => r.status === 401)).toBe(1);
    expect(h.emulator.count('messages.get', (r) => r.status === 200)).toBe(3);
  });

  it('retries every call of a batch that failed as a whole', async () => {
    h.emulator.injectFault('batch', { status: 503, reason: 'backendError' });
    const response = await h.graphql<Page>(PAGE, { first: 3 }, { token: user.token });

    expect(response.body.errors).toBeUndefined();
    expect(h.emulator.count('batch', (r) => r.status === 503)).toBe(1);
    expect(h.emulator.count('messages.get', (r) => r.status === 200)).toBe(3);
  });

  it('gives up on a stalled batch after GOOGLE_TIMEOUT_MS and sends its gets again', async () => {
    h.emulator.injectFault('batch', { ...GOOGLE_FAULTS.stall });
    const response = await h.graphql<Page>(PAGE, { first: 3 }, { token: user.token });

    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.messages.edges.every((e) => typeof e.node.subject === 'string')).toBe(true);
    expect(h.emulator.count('messages.get', (r) => r.status === 200)).toBe(3);
  });
});
