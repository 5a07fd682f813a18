import type { gmail_v1 } from 'googleapis/build/src/apis/gmail';
import { GOOGLE_FAULTS, type GoogleEmulator, type MessageSummary } from '../../../dev/google-emulator';
import {
  failure,
  freshUser,
  gmail,
  GMAIL_READONLY,
  oauthClient,
  reasonOf,
  signIn,
  startDemoReader,
} from './support';

let emulator: GoogleEmulator;
let api: gmail_v1.Gmail;
let demo: readonly MessageSummary[];

beforeAll(async () => {
  ({ emulator, api, demo } = await startDemoReader());
});
afterAll(() => emulator.stop());

/** The demo mailbox's threads, newest first, as Gmail groups them. */
const threadsOf = (messages: readonly MessageSummary[]): string[] => [
  ...new Set(messages.map((m) => m.threadId)),
];

describe('threads.list', () => {
  it('lists threads newest first with the newest message’s snippet and the thread’s historyId', async () => {
    const { data } = await api.users.threads.list({ userId: 'me', maxResults: 10 });
    const expected = threadsOf(demo).slice(0, 10);
    expect(data.threads?.map((t) => t.id)).toEqual(expected);
    const first = data.threads![0]!;
    const members = demo.filter((m) => m.threadId === first.id);
    expect(first.snippet).toBe(members[0]!.snippet);
    expect(first.historyId).toBe(String(Math.max(...members.map((m) => Number(m.historyId)))));
    expect(data.nextPageToken).toEqual(expect.any(String));
    expect(data.resultSizeEstimate).toBeGreaterThan(threadsOf(demo).length);
  });

  it('pages through every thread of the default view exactly once, 100 by default', async () => {
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const { data } = await api.users.threads.list({ userId: 'me', ...(pageToken ? { pageToken } : {}) });
      pages += 1;
      expect(data.threads!.length).toBeLessThanOrEqual(100);
      seen.push(...data.threads!.map((t) => t.id!));
      pageToken = data.nextPageToken ?? undefined;
      if (!pageToken) expect(data.resultSizeEstimate).toBe(threadsOf(demo).length);
    } while (pageToken);
    expect(seen).toEqual(threadsOf(demo));
    expect(pages).toBe(Math.ceil(threadsOf(demo).length / 100));
  });

  it('filters by q and labelIds, and leaves threads out when nothing matches', async () => {
    const { data } = await api.users.threads.list({ userId: 'me', labelIds: ['Label_2'], maxResults: 500 });
    expect(data.threads?.map((t) => t.id)).toEqual(
      threadsOf(demo.filter((m) => m.labelIds.includes('Label_2'))),
    );
    const none = await api.users.threads.list({ userId: 'me', q: 'zzzz-no-such-word' });
    expect(none.data).toEqual({ resultSizeEstimate: 0 });
  });

  it('includes SPAM and TRASH only when asked', async () => {
    const all = emulator.messagesOf(emulator.demoUser.email, { includeSpamTrash: true });
    const { data } = await api.users.threads.list({ userId: 'me', includeSpamTrash: true, maxResults: 500 });
    expect(data.threads?.map((t) => t.id)).toEqual(threadsOf(all));
  });

  it('rejects a page token of another search with 400', async () => {
    const { data } = await api.users.threads.list({ userId: 'me', maxResults: 5 });
    const result = await failure(
      api.users.threads.list({ userId: 'me', q: 'is:unread', pageToken: data.nextPageToken! }),
    );
    expect(result.status).toBe(400);
  });
});

describe('threads.get', () => {
  const longThread = (): string => {
    const sizes = new Map<string, number>();
    for (const m of demo) sizes.set(m.threadId, (sizes.get(m.threadId) ?? 0) + 1);
    return [...sizes].find(([, n]) => n >= 3)![0];
  };

  it('answers every message of the thread oldest first, in full by default', async () => {
    const threadId = longThread();
    const { data } = await api.users.threads.get({ userId: 'me', id: threadId });
    const members = demo.filter((m) => m.threadId === threadId).reverse();
    expect(data.id).toBe(threadId);
    expect(data.messages?.map((m) => m.id)).toEqual(members.map((m) => m.id));
    expect(data.historyId).toBe(String(Math.max(...members.map((m) => Number(m.historyId)))));
    expect(data.messages![0]!.payload?.parts?.length).toBeGreaterThan(0);
    expect(data.messages![1]!.payload?.headers?.find((h) => h.name === 'Subject')?.value).toMatch(/^Re: /);
  });

  it('answers format=metadata with only the metadataHeaders asked for, and minimal without payload', async () => {
    const threadId = longThread();
    const metadata = await api.users.threads.get({
      userId: 'me',
      id: threadId,
      format: 'metadata',
      metadataHeaders: ['Subject', 'From'],
    });
    for (const message of metadata.data.messages!) {
      expect(message.payload?.headers?.map((h) => h.name)).toEqual(['Subject', 'From']);
      expect(message.payload?.parts).toBeUndefined();
    }
    const minimal = await api.users.threads.get({ userId: 'me', id: threadId, format: 'minimal' });
    expect(minimal.data.messages!.every((m) => m.payload === undefined && m.labelIds !== undefined)).toBe(
      true,
    );
  });

  it('answers 404 for an unknown thread and 400 for a malformed id or format', async () => {
    expect((await failure(api.users.threads.get({ userId: 'me', id: 'ffffffffffffffff' }))).status).toBe(404);
    expect((await failure(api.users.threads.get({ userId: 'me', id: 'not-an-id!' }))).status).toBe(400);
    expect(
      (await failure(api.users.threads.get({ userId: 'me', id: longThread(), format: 'raw' }))).status,
    ).toBe(400);
  });
});

describe('labels.list and labels.get', () => {
  it('lists system and user labels with their visibilities, without counts', async () => {
    const { data } = await api.users.labels.list({ userId: 'me' });
    const ids = data.labels!.map((l) => l.id);
    for (const id of [
      'INBOX',
      'SENT',
      'STARRED',
      'UNREAD',
      'IMPORTANT',
      'SPAM',
      'TRASH',
      'DRAFT',
      'CATEGORY_SOCIAL',
    ]) {
      expect(ids).toContain(id);
    }
    expect(data.labels!.find((l) => l.id === 'SPAM')).toEqual({
      id: 'SPAM',
      name: 'SPAM',
      messageListVisibility: 'hide',
      labelListVisibility: 'labelHide',
      type: 'system',
    });
    expect(data.labels!.filter((l) => l.type === 'user').map((l) => [l.id, l.name])).toEqual([
      ['Label_1', 'Receipts'],
      ['Label_2', 'Travel'],
      ['Label_3', 'Projects'],
      ['Label_4', 'Suspicious'],
    ]);
    expect(data.labels!.every((l) => l.messagesTotal === undefined && l.threadsUnread === undefined)).toBe(
      true,
    );
  });

  it('counts messages and threads, total and unread, from the mailbox', async () => {
    const all = emulator.messagesOf(emulator.demoUser.email, { includeSpamTrash: true });
    const inbox = all.filter((m) => m.labelIds.includes('INBOX'));
    const unread = inbox.filter((m) => m.labelIds.includes('UNREAD'));
    const { data } = await api.users.labels.get({ userId: 'me', id: 'INBOX' });
    expect(data).toMatchObject({
      id: 'INBOX',
      type: 'system',
      messagesTotal: inbox.length,
      messagesUnread: unread.length,
      threadsTotal: threadsOf(inbox).length,
      threadsUnread: threadsOf(unread).length,
    });
    expect(unread.length).toBeGreaterThan(0);
    const travel = await api.users.labels.get({ userId: 'me', id: 'Label_2' });
    expect(travel.data).toMatchObject({
      name: 'Travel',
      type: 'user',
      color: { textColor: '#ffffff', backgroundColor: '#4a86e8' },
      messagesTotal: all.filter((m) => m.labelIds.includes('Label_2')).length,
    });
    expect((await failure(api.users.labels.get({ userId: 'me', id: 'Label_99' }))).status).toBe(404);
  });
});

describe('changing labels', () => {
  it('marks read and unread, stars, and labels a message: counts, searches and historyId follow', async () => {
    const user = freshUser(emulator, 30);
    const client = oauthClient(emulator);
    await signIn(client, { scope: [GMAIL_READONLY], loginHint: user.email });
    const alice = gmail(emulator, client);
    const target = emulator.messagesOf(user.email).find((m) => m.labelIds.includes('UNREAD'))!;
    const before = (await alice.users.labels.get({ userId: 'me', id: 'UNREAD' })).data.messagesTotal!;

    emulator.markRead(user.email, target.id, true);
    const afterRead = emulator.messagesOf(user.email).find((m) => m.id === target.id)!;
    expect(afterRead.labelIds).not.toContain('UNREAD');
    expect(Number(afterRead.historyId)).toBeGreaterThan(Number(target.historyId));
    expect((await alice.users.labels.get({ userId: 'me', id: 'UNREAD' })).data.messagesTotal).toBe(
      before - 1,
    );
    const unreadIds = (await alice.users.messages.list({ userId: 'me', q: 'is:unread' })).data.messages?.map(
      (m) => m.id,
    );
    expect(unreadIds ?? []).not.toContain(target.id);

    emulator.setStarred(user.email, target.id, true);
    emulator.modifyLabels(user.email, target.id, { add: ['Label_2'], remove: ['INBOX'] });
    const { data } = await alice.users.messages.get({ userId: 'me', id: target.id, format: 'minimal' });
    expect(data.labelIds).toEqual(expect.arrayContaining(['STARRED', 'Label_2']));
    expect(data.labelIds).not.toContain('INBOX');
    expect(Number(data.historyId)).toBeGreaterThan(Number(afterRead.historyId));
    const travel = (await alice.users.labels.get({ userId: 'me', id: 'Label_2' })).data;
    expect(travel.messagesTotal).toBe(
      emulator
        .messagesOf(user.email, { includeSpamTrash: true })
        .filter((m) => m.labelIds.includes('Label_2')).length,
    );
    const thread = (await alice.users.threads.get({ userId: 'me', id: target.threadId, format: 'minimal' }))
      .data;
    expect(thread.historyId).toBe(data.historyId);
  });

  it('leaves the historyId alone when nothing changes, and refuses unknown labels and messages', () => {
    const user = freshUser(emulator, 10);
    const message = emulator.messagesOf(user.email)[0]!;
    emulator.modifyLabels(user.email, message.id, { add: message.labelIds });
    expect(emulator.messagesOf(user.email)[0]!.historyId).toBe(message.historyId);
    expect(() => emulator.modifyLabels(user.email, message.id, { add: ['Label_99'] })).toThrow(
      /unknown label/,
    );
    expect(() => emulator.markRead(user.email, 'ffffffffffffffff', true)).toThrow(/no message/);
  });

  it('changes labels over the control API: /__emulator/messages/read, /star and /labels', async () => {
    const user = freshUser(emulator, 10);
    const message = emulator.messagesOf(user.email)[0]!;
    const post = (path: string, body: object): Promise<Response> =>
      fetch(`${emulator.url}/__emulator/messages/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: user.email, messageId: message.id, ...body }),
      });
    expect((await post('read', { read: false })).status).toBe(200);
    expect((await post('star', { starred: true })).status).toBe(200);
    expect((await post('labels', { add: ['Label_3'], remove: ['INBOX'] })).status).toBe(200);
    const listed = (await (
      await fetch(`${emulator.url}/__emulator/messages?email=${encodeURIComponent(user.email)}`)
    ).json()) as { messages: MessageSummary[] };
    const labels = listed.messages.find((m) => m.id === message.id)!.labelIds;
    expect(labels).toEqual(expect.arrayContaining(['UNREAD', 'STARRED', 'Label_3']));
    expect(labels).not.toContain('INBOX');
    const refused = await post('labels', { add: ['NOPE'] });
    expect(refused.status).toBe(400);
  });
});

describe('faults and deletions on the new methods', () => {
  it('answers an armed fault on threads.get in Gmail’s error shape, then serves again', async () => {
    const threadId = demo[0]!.threadId;
    emulator.injectFault('threads.get', { ...GOOGLE_FAULTS.mailServiceNotEnabled });
    const result = await failure(api.users.threads.get({ userId: 'me', id: threadId }));
    expect(result.status).toBe(400);
    expect(reasonOf(result.data)).toBe('failedPrecondition');
    expect(emulator.unservedFaults()).toEqual([]);
    expect((await api.users.threads.get({ userId: 'me', id: threadId })).data.id).toBe(threadId);
  });

  it('leaves a deleted message out of its thread and out of threads.list', async () => {
    const user = freshUser(emulator, 40);
    const client = oauthClient(emulator);
    await signIn(client, { scope: [GMAIL_READONLY], loginHint: user.email });
    const dave = gmail(emulator, client);
    const messages = emulator.messagesOf(user.email);
    const single = messages.find((m) => messages.filter((n) => n.threadId === m.threadId).length === 1)!;
    const pair = messages.find((m) => messages.filter((n) => n.threadId === m.threadId).length >= 2)!;
    await dave.users.threads.get({ userId: 'me', id: pair.threadId });
    emulator.deleteMessage(user.email, pair.id);
    emulator.deleteMessage(user.email, single.id);
    const { data } = await dave.users.threads.get({ userId: 'me', id: pair.threadId });
    expect(data.messages?.map((m) => m.id)).not.toContain(pair.id);
    expect((await failure(dave.users.threads.get({ userId: 'me', id: single.threadId }))).status).toBe(404);
    const listed = await dave.users.threads.list({ userId: 'me', maxResults: 500 });
    expect(listed.data.threads?.map((t) => t.id)).not.toContain(single.threadId);
  });
});

describe('quota and concurrency of the new methods', () => {
  it('charges threads.list 10, threads.get 10, labels.list 1, labels.get 1, messages.attachments.get 5', async () => {
    const user = freshUser(emulator, 40);
    const client = oauthClient(emulator);
    await signIn(client, { scope: [GMAIL_READONLY], loginHint: user.email });
    const bob = gmail(emulator, client);
    const spent = (): number => emulator.quotaSpent(user.email);
    const start = spent();
    const { data } = await bob.users.threads.list({ userId: 'me', maxResults: 1 });
    expect(spent() - start).toBe(10);
    await bob.users.threads.get({ userId: 'me', id: data.threads![0]!.id! });
    expect(spent() - start).toBe(20);
    await bob.users.labels.list({ userId: 'me' });
    expect(spent() - start).toBe(21);
    await bob.users.labels.get({ userId: 'me', id: 'INBOX' });
    expect(spent() - start).toBe(22);
    const withPdf = emulator.messagesOf(user.email).find((m) => m.features.includes('largeAttachment'))!;
    const full = await bob.users.messages.get({ userId: 'me', id: withPdf.id });
    const find = (p: gmail_v1.Schema$MessagePart): string | undefined =>
      p.body?.attachmentId ?? p.parts?.map(find).find(Boolean);
    const afterGet = spent();
    await bob.users.messages.attachments.get({
      userId: 'me',
      messageId: withPdf.id,
      id: find(full.data.payload!)!,
    });
    expect(spent() - afterGet).toBe(5);
  });

  it('counts the new methods against the per-user concurrency limit', async () => {
    const user = freshUser(emulator, 10);
    const client = oauthClient(emulator);
    await signIn(client, { scope: [GMAIL_READONLY], loginHint: user.email });
    const carol = gmail(emulator, client);
    emulator.setMaxConcurrentPerUser(1);
    emulator.setLatency('labels.get', { distribution: 'fixed', ms: 150 });
    try {
      await Promise.allSettled([
        carol.users.labels.get({ userId: 'me', id: 'INBOX' }),
        carol.users.threads.list({ userId: 'me' }),
        carol.users.labels.list({ userId: 'me' }),
      ]);
      expect(emulator.peakInFlight(user.email)).toBeGreaterThanOrEqual(2);
      const refused = (r: { status: number; userId?: string }): boolean =>
        r.status === 429 && r.userId === user.id;
      expect(
        emulator.count('threads.list', refused) + emulator.count('labels.list', refused),
      ).toBeGreaterThanOrEqual(1);
    } finally {
      emulator.setMaxConcurrentPerUser(undefined);
      emulator.clearFaults();
    }
  });
});
