import { errorCodes, Harness } from '../support/harness';

interface Page {
  messages: {
    edges: Array<{
      cursor: string;
      node: { id: string; threadId: string; subject?: string | null; labelIds?: string[] };
    }>;
    pageInfo: {
      hasNextPage: boolean;
      hasPreviousPage: boolean;
      startCursor: string | null;
      endCursor: string | null;
    };
    resultSizeEstimate: number;
  };
}

const IDS = `query Ids($first: Int, $after: String, $query: String, $labelIds: [String!], $spam: Boolean) {
  messages(first: $first, after: $after, query: $query, labelIds: $labelIds, includeSpamTrash: $spam) {
    edges { cursor node { id threadId } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    resultSizeEstimate
  }
}`;
const DETAILS = `query Details($first: Int, $after: String, $query: String) {
  messages(first: $first, after: $after, query: $query) {
    edges { cursor node { id threadId subject from to date snippet sizeEstimate labelIds } }
    pageInfo { hasNextPage endCursor }
  }
}`;

let h: Harness;
let demo: { token: string; viewer: { id: string } };
beforeAll(async () => {
  h = await Harness.start();
  demo = await h.signIn();
});
afterAll(() => h.stop());
afterEach(() => h.emulator.clearFaults());

/** The messages Gmail lists by default (no SPAM or TRASH), in Gmail's order. */
function visibleIds(emailOrId: string): string[] {
  return h.emulator.messagesOf(emailOrId).map((m) => m.id);
}

async function page(token: string, variables: Record<string, unknown>, query = IDS) {
  const response = await h.graphql<Page>(query, variables, { token });
  expect(response.body.errors).toBeUndefined();
  return response.body.data!.messages;
}

async function pageThrough(token: string, first: number, variables: Record<string, unknown> = {}) {
  const ids: string[] = [];
  let after: string | null = null;
  let requests = 0;
  for (;;) {
    const result: Page['messages'] = await page(token, { ...variables, first, after });
    requests++;
    ids.push(...result.edges.map((e) => e.node.id));
    if (!result.pageInfo.hasNextPage) return { ids, requests };
    after = result.pageInfo.endCursor;
  }
}

describe('messages connection', () => {
  it('pages through the 300-message demo mailbox with first: 100 in three requests, each message once, in Gmail order', async () => {
    const { ids, requests } = await pageThrough(demo.token, 100);
    expect(requests).toBe(3);
    expect(ids).toEqual(visibleIds(demo.viewer.id));
    expect(ids).toHaveLength(300);
  });

  it.each([7, 33, 64])('returns every message exactly once with first: %i', async (first) => {
    const { ids, requests } = await pageThrough(demo.token, first);
    expect(ids).toEqual(visibleIds(demo.viewer.id));
    expect(requests).toBe(Math.ceil(300 / first));
  });

  it('resumes right after any edge, not only after endCursor', async () => {
    const all = visibleIds(demo.viewer.id);
    const first = await page(demo.token, { first: 10 });
    for (const index of [0, 4, 9]) {
      const next = await page(demo.token, { first: 5, after: first.edges[index]!.cursor });
      expect(next.edges.map((e) => e.node.id)).toEqual(all.slice(index + 1, index + 6));
      expect(next.pageInfo.hasPreviousPage).toBe(true);
    }
  });

  it('keeps resuming from middle edges far into a large mailbox (beyond Gmail’s 500 maxResults)', async () => {
    const user = h.emulator.addUser({ email: 'hoarder@example.com', messages: 1000 });
    const { token } = await h.signIn(user.email);
    const all = visibleIds(user.id);
    let result = await page(token, { first: 100 });
    let start = 0;
    for (let hop = 1; hop <= 7; hop++) {
      // Each hop resumes after the 99th edge, so the position drifts off Gmail's page boundaries.
      result = await page(token, { first: 100, after: result.edges[98]!.cursor });
      start += 99;
      expect(result.edges.map((e) => e.node.id)).toEqual(all.slice(start, start + 100));
    }
  });

  it('reports Gmail’s resultSizeEstimate and correct pageInfo', async () => {
    const result = await page(demo.token, { first: 5 });
    expect(result.resultSizeEstimate).toBeGreaterThan(0);
    expect(result.pageInfo).toMatchObject({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: result.edges[0]!.cursor,
      endCursor: result.edges[4]!.cursor,
    });
  });

  it('passes the search query to Gmail and returns only matching messages', async () => {
    h.emulator.clearRequests();
    const { ids } = await pageThrough(demo.token, 50, { query: 'is:unread' });
    const unread = h.emulator
      .messagesOf(demo.viewer.id)
      .filter((m) => m.labelIds.includes('UNREAD'))
      .map((m) => m.id);
    expect(ids).toEqual(unread);
    expect(ids.length).toBeGreaterThan(0);
    expect(h.emulator.requests.some((r) => r.endpoint === 'messages.list' && r.query.q === 'is:unread')).toBe(
      true,
    );
  });

  it('filters by label ids and includes spam and trash only when asked', async () => {
    const starred = await pageThrough(demo.token, 100, { labelIds: ['STARRED'] });
    expect(starred.ids).toEqual(
      h.emulator
        .messagesOf(demo.viewer.id)
        .filter((m) => m.labelIds.includes('STARRED'))
        .map((m) => m.id),
    );
    expect(starred.ids.length).toBeGreaterThan(0);
    const withSpam = await pageThrough(demo.token, 100, { spam: true });
    expect(withSpam.ids).toEqual(
      h.emulator.messagesOf(demo.viewer.id, { includeSpamTrash: true }).map((m) => m.id),
    );
    expect(withSpam.ids).toHaveLength(320);
  });

  it('answers an empty connection when nothing matches', async () => {
    const result = await page(demo.token, { first: 10, query: 'subject:"no such subject anywhere"' });
    expect(result).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      resultSizeEstimate: 0,
    });
  });
});

describe('message metadata', () => {
  it('makes no messages.get call when only id and threadId are selected', async () => {
    h.emulator.clearRequests();
    await page(demo.token, { first: 25 });
    expect(h.emulator.count('messages.list')).toBe(1);
    expect(h.emulator.count('messages.get')).toBe(0);
  });

  it('fetches each selected message once, with only the headers used, and matches Gmail’s data', async () => {
    const user = h.emulator.addUser({ email: 'fresh-cache@example.com', messages: 30 });
    const { token } = await h.signIn(user.email);
    h.emulator.clearRequests();
    const result = await page(token, { first: 12 }, DETAILS);
    expect(h.emulator.count('messages.get')).toBe(12);
    const gets = h.emulator.requests.filter((r) => r.endpoint === 'messages.get');
    expect(new Set(gets.map((r) => r.messageId)).size).toBe(12);
    expect(gets.every((r) => r.query.format === 'metadata')).toBe(true);

    const expected = h.emulator.messagesOf(user.id).slice(0, 12);
    expect(result.edges.map((e) => e.node)).toEqual(
      expected.map((m) => ({
        id: m.id,
        threadId: m.threadId,
        subject: m.subject,
        from: m.from,
        to: m.to,
        date: m.date.toISOString(),
        snippet: m.snippet,
        sizeEstimate: m.sizeEstimate,
        labelIds: m.labelIds,
      })),
    );
  });

  it('serves a second request for the same page’s metadata from the cache', async () => {
    const user = h.emulator.addUser({ email: 'cached@example.com', messages: 30 });
    const { token } = await h.signIn(user.email);
    const query = `query { messages(first: 10) { edges { node { id subject from date snippet } } } }`;
    await h.graphql(query, {}, { token });
    h.emulator.clearRequests();
    const again = await h.graphql<Page>(query, {}, { token });
    expect(again.body.data!.messages.edges).toHaveLength(10);
    expect(h.emulator.count('messages.get')).toBe(0);
  });

  it('keeps no metadata when METADATA_CACHE_MB is 0: the same page reads it from Gmail again', async () => {
    const uncached = await Harness.start({ metadataCacheMB: 0 });
    try {
      const user = uncached.emulator.addUser({ email: 'no-cache@example.com', messages: 30 });
      const { token } = await uncached.signIn(user.email);
      const query = `query { messages(first: 10) { edges { node { id subject } } } }`;
      await uncached.graphql(query, {}, { token });
      uncached.emulator.clearRequests();
      const again = await uncached.graphql<Page>(query, {}, { token });
      expect(again.body.data!.messages.edges.map((e) => e.node.subject)).toEqual(
        uncached.emulator
          .messagesOf(user.id)
          .slice(0, 10)
          .map((m) => m.subject),
      );
      expect(uncached.emulator.count('messages.get')).toBe(10);
    } finally {
      await uncached.stop();
    }
  });

  it('treats a message Gmail no longer has as empty metadata, not as a failed page', async () => {
    const user = h.emulator.addUser({ email: 'deleter@example.com', messages: 10 });
    const { token } = await h.signIn(user.email);
    // Listed, then gone by the time its metadata is read (deleted in between): Gmail answers 404.
    const [gone] = h.emulator.messagesOf(user.id);
    h.emulator.injectFault('messages.get', { status: 404, messageId: gone!.id, times: Infinity });
    const response = await h.graphql<Page>(
      'query { messages(first: 3) { edges { node { id subject } } } }',
      {},
      { token },
    );
    expect(response.body.errors).toBeUndefined();
    const nodes = response.body.data!.messages.edges.map((e) => e.node);
    expect(nodes[0]).toEqual({ id: gone!.id, subject: null });
    expect(nodes[1]?.subject).toEqual(expect.any(String));
  });

  it('shows every metadata field of a message Gmail no longer has as null, and its labelIds as []', async () => {
    const user = h.emulator.addUser({ email: 'vanished@example.com', messages: 4 });
    const { token } = await h.signIn(user.email);
    const [gone] = h.emulator.messagesOf(user.id);
    h.emulator.injectFault('messages.get', { status: 404, messageId: gone!.id, times: Infinity });
    h.emulator.clearRequests();
    const result = await page(token, { first: 2 }, DETAILS);
    expect(h.emulator.count('messages.get', (r) => r.messageId === gone!.id)).toBe(1);
    expect(result.edges[0]!.node).toEqual({
      id: gone!.id,
      threadId: gone!.threadId,
      subject: null,
      from: null,
      to: null,
      date: null,
      snippet: null,
      sizeEstimate: null,
      labelIds: [],
    });
  });

  it('re-reads a message only for labelIds, and only once its cached copy is older than 30 seconds', async () => {
    let clock = new Date();
    const timed = await Harness.start({ now: () => clock });
    try {
      const user = timed.emulator.addUser({ email: 'label-freshness@example.com', messages: 10 });
      const { token } = await timed.signIn(user.email);
      // Only the headers a query selects are read; this one reads every header the other one shows.
      const withLabels = `query { messages(first: 5) { edges { node { id subject from to labelIds } } } }`;
      const everythingElse = `query { messages(first: 5) { edges { node { id subject from to date snippet sizeEstimate } } } }`;
      const gets = async (query: string) => {
        timed.emulator.clearRequests();
        const response = await timed.graphql<Page>(query, {}, { token });
        expect(response.body.errors).toBeUndefined();
        return { count: timed.emulator.count('messages.get'), edges: response.body.data!.messages.edges };
      };

      // One fetch per message serves both subject and labelIds.
      expect((await gets(withLabels)).count).toBe(5);
      clock = new Date(clock.getTime() + 29_000);
      expect((await gets(withLabels)).count).toBe(0);

      clock = new Date(clock.getTime() + 2_000);
      expect((await gets(everythingElse)).count).toBe(0);
      const reread = await gets(withLabels);
      expect(reread.count).toBe(5);
      expect(reread.edges.map((e) => e.node.labelIds)).toEqual(
        timed.emulator
          .messagesOf(user.id)
          .slice(0, 5)
          .map((m) => m.labelIds),
      );
      expect((await gets(withLabels)).count).toBe(0);
    } finally {
      await timed.stop();
    }
  });
});

describe('input validation', () => {
  it.each([0, -1, 101, 100_000])('rejects first: %i with BAD_USER_INPUT', async (first) => {
    const response = await h.graphql(IDS, { first }, { token: demo.token });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it('rejects a tampered cursor, another user’s cursor and a cursor of another query', async () => {
    const mine = await page(demo.token, { first: 5, query: 'is:unread' });
    const cursor = mine.pageInfo.endCursor!;
    const tampered = cursor.slice(0, 5) + (cursor[5] === 'A' ? 'B' : 'A') + cursor.slice(6);
    expect(
      errorCodes(
        await h.graphql(IDS, { first: 5, query: 'is:unread', after: tampered }, { token: demo.token }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    expect(
      errorCodes(await h.graphql(IDS, { first: 5, query: 'is:read', after: cursor }, { token: demo.token })),
    ).toEqual(['BAD_USER_INPUT']);
    const other = await h.signIn(h.emulator.addUser({ email: 'thief@example.com' }).email);
    expect(
      errorCodes(
        await h.graphql(IDS, { first: 5, query: 'is:unread', after: cursor }, { token: other.token }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await h.graphql(IDS, { first: 5, after: 'garbage' }, { token: demo.token }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('rejects an oversize query and malformed label ids', async () => {
    expect(errorCodes(await h.graphql(IDS, { query: 'x'.repeat(3000) }, { token: demo.token }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(
      errorCodes(await h.graphql(IDS, { labelIds: ['INBOX', 'bad label'] }, { token: demo.token })),
    ).toEqual(['BAD_USER_INPUT']);
  });

  it('answers UNAUTHENTICATED with a consent URL without a session', async () => {
    const response = await h.graphql(IDS, { first: 5 });
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.body.errors?.[0]?.extensions?.authorizationUrl).toEqual(
      expect.stringContaining(h.emulator.endpoints.authUrl),
    );
  });
});
