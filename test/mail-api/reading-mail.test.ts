import { HOSTILE_HTML } from '../../dev/google-emulator/hostile-corpus';
import { Harness } from '../support/harness';

// Reading mail through the gateway against the emulator's MIME mailbox: sanitized bodies, remote images, cid
// images, attachments, threads and labels.

interface Body {
  text: string | null;
  html: string | null;
  withImages?: string | null;
  hasRemoteImages: boolean;
}
interface Attachment {
  id: string;
  filename: string;
  mimeType: string;
  size: number;
  downloadUrl: string;
}

let h: Harness;
let demo: { token: string; viewer: { id: string } };
beforeAll(async () => {
  h = await Harness.start();
  demo = await h.signIn();
});
afterAll(() => h.stop());
beforeEach(() => h.emulator.clearRequests());

const mailbox = (options?: { includeSpamTrash?: boolean }) => h.emulator.messagesOf(demo.viewer.id, options);
const textOf = (html: string) => html.replace(/<[^>]*>/g, '').replace(/&amp;/g, '&');

async function readMessage(id: string) {
  const response = await h.graphql<{
    message: { subject: string | null; body: Body | null; attachments: Attachment[] } | null;
  }>(
    `query($id: ID!) { message(id: $id) { subject
        body { text html withImages: html(allowRemoteImages: true) hasRemoteImages }
        attachments { id filename mimeType size downloadUrl } } }`,
    { id },
    { token: demo.token },
  );
  expect(response.body.errors).toBeUndefined();
  return response.body.data!.message!;
}

describe('message bodies', () => {
  const hostile = () =>
    mailbox().filter((m) => m.features.includes('hostile') && m.hostile !== 'large newsletter');

  it('has the hostile corpus to read', () => {
    expect(hostile().length).toBe(HOSTILE_HTML.length);
  });

  it.each(HOSTILE_HTML.map((entry) => [entry.name, entry] as const))(
    'returns the "%s" e-mail without script, event handlers or javascript: URLs, and keeps its text',
    async (_name, entry) => {
      const message = mailbox().find((m) => m.hostile === entry.name)!;
      const { body } = await readMessage(message.id);
      for (const html of [body!.html!, body!.withImages!]) {
        expect(html).not.toMatch(/<script|<svg|<iframe|<style|<base|<meta|<form/i);
        expect(html).not.toMatch(/\son[a-z]+\s*=/i);
        expect(html).not.toMatch(/javascript:|vbscript:|data:text/i);
        for (const kept of entry.keeps) expect(textOf(html)).toContain(kept);
      }
    },
  );

  it('removes remote images until allowRemoteImages: true, and says they are there', async () => {
    const message = mailbox().find((m) => m.features.includes('trackingPixel'))!;
    const { body } = await readMessage(message.id);
    expect(body!.hasRemoteImages).toBe(true);
    expect(body!.html).not.toMatch(/<img[^>]+src="https?:/i);
    expect(body!.withImages).toMatch(/<img[^>]+src="https:\/\//i);
    expect(body!.text).toBeTruthy();
  });

  it('points cid: images at a working download URL of their inline part', async () => {
    const message = mailbox().find((m) => m.features.includes('inlineImage'))!;
    const { body, attachments } = await readMessage(message.id);
    expect(body!.html).not.toContain('cid:');
    const src = /<img[^>]+src="([^"]+)"/.exec(body!.html!)?.[1];
    expect(src).toMatch(/^\/attachments\/[A-Za-z0-9_-]+$/);
    const image = attachments.find((a) => a.downloadUrl === src)!;
    expect(image.mimeType).toBe('image/png');
    const response = await fetch(h.url + src);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(bytes.length).toBe(image.size);
  });
});

describe('attachments', () => {
  it('downloads a large attachment with its bytes and headers, in one messages.attachments.get', async () => {
    const message = mailbox().find((m) => m.features.includes('largeAttachment'))!;
    const { attachments } = await readMessage(message.id);
    const pdf = attachments.find((a) => a.mimeType === 'application/pdf')!;
    h.emulator.clearRequests();
    const response = await fetch(h.url + pdf.downloadUrl);
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.length).toBe(pdf.size);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-length')).toBe(String(pdf.size));
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="${pdf.filename}"; filename*=UTF-8''${encodeURIComponent(pdf.filename)}`,
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(h.emulator.requests.filter((r) => r.endpoint !== 'control').map((r) => r.endpoint)).toEqual([
      'messages.attachments.get',
    ]);
  });
});

describe('threads', () => {
  const THREADS = `query($first: Int, $after: String) { threads(first: $first, after: $after) {
    edges { cursor node { id snippet } } pageInfo { hasNextPage endCursor } } }`;
  type Threads = {
    threads: { edges: { cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean } };
  };

  it('pages threads and resumes right after any edge cursor', async () => {
    const all = await h.graphql<Threads>(THREADS, { first: 12 }, { token: demo.token });
    expect(all.body.errors).toBeUndefined();
    const edges = all.body.data!.threads.edges;
    expect(edges).toHaveLength(12);
    for (const index of [0, 4, 10]) {
      const next = await h.graphql<Threads>(
        THREADS,
        { first: 1, after: edges[index]!.cursor },
        { token: demo.token },
      );
      expect(next.body.errors).toBeUndefined();
      expect(next.body.data!.threads.edges.map((e) => e.node.id)).toEqual([edges[index + 1]!.node.id]);
    }
  });

  it('refuses a messages cursor as a threads cursor', async () => {
    const messages = await h.graphql<{ messages: { pageInfo: { endCursor: string } } }>(
      `query { messages(first: 2) { pageInfo { endCursor } } }`,
      {},
      { token: demo.token },
    );
    const after = messages.body.data!.messages.pageInfo.endCursor;
    const response = await h.graphql(THREADS, { first: 2, after }, { token: demo.token });
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('reads a thread and its messages in one threads.get, with no messages.get', async () => {
    const byThread = new Map<string, number>();
    for (const m of mailbox({ includeSpamTrash: true }))
      byThread.set(m.threadId, (byThread.get(m.threadId) ?? 0) + 1);
    const [threadId, count] = [...byThread].find(([, n]) => n >= 3)!;
    const response = await h.graphql<{
      thread: { id: string; messageCount: number; messages: { id: string; subject: string; body: Body }[] };
    }>(
      `query($id: ID!) { thread(id: $id) { id messageCount messages { id subject body { text } } } }`,
      { id: threadId },
      { token: demo.token },
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.thread.messageCount).toBe(count);
    expect(response.body.data!.thread.messages.every((m) => m.body.text !== null)).toBe(true);
    const calls = h.emulator.requests
      .filter((r) => r.endpoint !== 'control')
      .map((r) => [r.endpoint, r.query['format']]);
    expect(calls).toEqual([['threads.get', 'full']]);
  });
});

describe('labels', () => {
  it('lists labels with names and counts that match the mailbox', async () => {
    const response = await h.graphql<{
      labels: { id: string; name: string; type: string; messagesTotal: number; messagesUnread: number }[];
    }>(`query { labels { id name type messagesTotal messagesUnread } }`, {}, { token: demo.token });
    expect(response.body.errors).toBeUndefined();
    const receipts = response.body.data!.labels.find((l) => l.id === 'Label_1')!;
    expect(receipts).toMatchObject({ name: 'Receipts', type: 'USER' });
    const all = mailbox({ includeSpamTrash: true }).filter((m) => m.labelIds.includes('Label_1'));
    expect(receipts.messagesTotal).toBe(all.length);
    expect(receipts.messagesUnread).toBe(all.filter((m) => m.labelIds.includes('UNREAD')).length);
    expect(response.body.data!.labels.find((l) => l.id === 'INBOX')?.type).toBe('SYSTEM');
  });

  it("resolves a message's label names from one labels.list, cached for the next request", async () => {
    const query = `query { messages(first: 10) { edges { node { labelIds labels { id name } } } } }`;
    const first = await h.graphql<{
      messages: { edges: { node: { labelIds: string[]; labels: { id: string; name: string }[] } }[] };
    }>(query, {}, { token: demo.token });
    expect(first.body.errors).toBeUndefined();
    for (const { node } of first.body.data!.messages.edges) {
      expect(node.labels.map((l) => l.id)).toEqual(node.labelIds);
      for (const label of node.labels) if (label.id === 'Label_2') expect(label.name).toBe('Travel');
    }
    expect(h.emulator.count('labels.list')).toBeLessThanOrEqual(1);
    h.emulator.clearRequests();
    await h.graphql(query, {}, { token: demo.token });
    expect(h.emulator.count('labels.list')).toBe(0);
  });
});

describe('freshness', () => {
  it('shows unread and starred changes once the cached labelIds are older than 30 seconds', async () => {
    let clock = new Date();
    const timed = await Harness.start({ now: () => clock });
    try {
      const user = timed.emulator.addUser({ email: 'fresh-flags@example.com', messages: 10 });
      const { token } = await timed.signIn(user.email);
      const [message] = timed.emulator.messagesOf(user.id);
      const read = async () => {
        const response = await timed.graphql<{ message: { unread: boolean; starred: boolean } }>(
          `query($id: ID!) { message(id: $id) { unread starred } }`,
          { id: message!.id },
          { token },
        );
        expect(response.body.errors).toBeUndefined();
        return response.body.data!.message;
      };
      timed.emulator.markRead(user.id, message!.id, false);
      timed.emulator.setStarred(user.id, message!.id, false);
      clock = new Date(clock.getTime() + 31_000);
      expect(await read()).toEqual({ unread: true, starred: false });
      timed.emulator.markRead(user.id, message!.id, true);
      timed.emulator.setStarred(user.id, message!.id, true);
      clock = new Date(clock.getTime() + 31_000);
      expect(await read()).toEqual({ unread: false, starred: true });
    } finally {
      await timed.stop();
    }
  });
});
