import { errorCodes, Harness } from '../support/harness';

// What the gateway asks Gmail for, read from the emulator's request log: one messages.get per message and
// request, in the cheapest format that serves the selection, with only the headers it shows.

interface Node {
  id: string;
  subject?: string | null;
  unread?: boolean;
  starred?: boolean;
  labelIds?: string[];
}

let h: Harness;
let demo: { token: string; viewer: { id: string } };
beforeAll(async () => {
  h = await Harness.start();
  demo = await h.signIn();
});
afterAll(() => h.stop());
beforeEach(() => h.emulator.clearRequests());

/** A user none of whose messages the gateway has cached yet. */
let users = 0;
async function freshUser(): Promise<string> {
  const user = h.emulator.addUser({ email: `fetch-${++users}@example.com`, messages: 10 });
  const { token } = await h.signIn(user.email);
  h.emulator.clearRequests();
  return token;
}

async function nodes(selection: string, first = 3, token?: string): Promise<Node[]> {
  const response = await h.graphql<{ messages: { edges: { node: Node }[] } }>(
    `query { messages(first: ${first}) { edges { node { ${selection} } } } }`,
    {},
    { token: token ?? (await freshUser()) },
  );
  expect(response.body.errors).toBeUndefined();
  return response.body.data!.messages.edges.map((e) => e.node);
}

function gets() {
  return h.emulator.requests.filter((r) => r.endpoint === 'messages.get');
}

describe('fetching only what is selected', () => {
  it('asks format=metadata with only the headers the selected fields show', async () => {
    await nodes('id subject cc date');
    expect(gets()).toHaveLength(3);
    for (const get of gets()) {
      expect(get.query['format']).toBe('metadata');
      expect(get.query['metadataHeaders']!.split(',').sort()).toEqual(['Cc', 'Subject']);
    }
  });

  it('asks format=minimal when no header is selected', async () => {
    await nodes('id snippet sizeEstimate unread');
    expect(gets()).toHaveLength(3);
    for (const get of gets()) {
      expect(get.query['format']).toBe('minimal');
      expect(get.query['metadataHeaders']).toBeUndefined();
    }
  });

  it('makes exactly one format=full messages.get per message for subject, body and attachments together', async () => {
    const listed = await nodes(
      'id subject from replyTo labelIds body { text html hasRemoteImages } attachments { id }',
    );
    expect(listed.every((n) => typeof n.subject === 'string')).toBe(true);
    const calls = gets();
    expect(calls.map((c) => c.query['format'])).toEqual(['full', 'full', 'full']);
    expect(calls.map((c) => c.path.split('/').at(-1)).sort()).toEqual(listed.map((n) => n.id).sort());
  });

  it('makes no messages.get when only id and threadId are selected', async () => {
    await nodes('id threadId');
    expect(gets()).toHaveLength(0);
  });
});

describe('message(id)', () => {
  it('answers one message by id with one messages.get, and null for an id Gmail does not have', async () => {
    const [first] = h.emulator.messagesOf(demo.viewer.id);
    const response = await h.graphql<{ found: Node | null; missing: Node | null }>(
      `query($id: ID!) { found: message(id: $id) { id subject unread starred labelIds } missing: message(id: "ffffffffffff0000") { id } }`,
      { id: first!.id },
      { token: demo.token },
    );
    expect(response.body.errors).toBeUndefined();
    const found = response.body.data!.found!;
    expect(found.id).toBe(first!.id);
    expect(found.subject).toBe(first!.subject);
    expect(found.unread).toBe(first!.labelIds.includes('UNREAD'));
    expect(found.starred).toBe(first!.labelIds.includes('STARRED'));
    expect(response.body.data!.missing).toBeNull();
    expect(gets()).toHaveLength(2);
  });

  it('answers null, not an internal error, for a well-formed id Gmail refuses as invalid (400)', async () => {
    const response = await h.graphql<{ message: Node | null; thread: { id: string } | null }>(
      `query { message(id: "doesNotExist1") { id subject } thread(id: "doesNotExist2") { id messageCount } }`,
      {},
      { token: demo.token },
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toEqual({ message: null, thread: null });
    // Gmail was asked, and answered 400 "Invalid id value": nothing else could tell that the id names nothing.
    expect(gets().map((r) => r.status)).toEqual([400]);
    expect(h.emulator.count('threads.get', (r) => r.status === 400)).toBe(1);
  });

  it('refuses an id that is not a Gmail id with BAD_USER_INPUT, before calling Gmail', async () => {
    const response = await h.graphql(`query { message(id: "../labels") { id } }`, {}, { token: demo.token });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(gets()).toHaveLength(0);
  });
});

describe('flags and quota', () => {
  it('derives unread and starred from labelIds', async () => {
    const listed = await nodes('id labelIds unread starred', 20, demo.token);
    for (const n of listed) {
      expect(n.unread).toBe(n.labelIds!.includes('UNREAD'));
      expect(n.starred).toBe(n.labelIds!.includes('STARRED'));
    }
    expect(listed.some((n) => n.unread)).toBe(true);
  });

  it('reports extensions.gmailQuota that adds up to what the emulator charged', async () => {
    h.emulator.resetUsage();
    const response = await h.graphql<unknown>(
      `query { messages(first: 4) { edges { node { id subject body { text } } } } }`,
      {},
      { token: demo.token },
    );
    expect(response.body.errors).toBeUndefined();
    const report = (response.body as { extensions?: { gmailQuota?: { spentUnits: number } } }).extensions;
    expect(report?.gmailQuota?.spentUnits).toBe(h.emulator.quotaSpent(demo.viewer.id));
    expect(report?.gmailQuota?.spentUnits).toBeGreaterThan(0);
  });
});
