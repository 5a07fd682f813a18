import type { gmail_v1 } from 'googleapis/build/src/apis/gmail';
import { startGoogleEmulator, type GoogleEmulator, type MessageSummary } from '../../../dev/google-emulator';
import {
  EMAIL,
  failure,
  freshUser,
  gmail,
  GMAIL_METADATA,
  GMAIL_READONLY,
  oauthClient,
  reasonOf,
  signIn,
} from './support';

let emulator: GoogleEmulator;
let api: gmail_v1.Gmail;
let visible: readonly MessageSummary[];
let everything: readonly MessageSummary[];

beforeAll(async () => {
  emulator = await startGoogleEmulator();
  const client = oauthClient(emulator);
  await signIn(client, { scope: [GMAIL_READONLY] });
  api = gmail(emulator, client);
  visible = emulator.messagesOf('demo@example.com');
  everything = emulator.messagesOf('demo@example.com', { includeSpamTrash: true });
});
afterAll(() => emulator.stop());

async function list(params: gmail_v1.Params$Resource$Users$Messages$List = {}) {
  return (await api.users.messages.list({ userId: 'me', ...params })).data;
}

/** Every id the search matches, following nextPageToken. */
async function listAll(params: gmail_v1.Params$Resource$Users$Messages$List = {}): Promise<string[]> {
  const ids: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await list({ ...params, maxResults: 500, ...(pageToken ? { pageToken } : {}) });
    ids.push(...(page.messages ?? []).map((m) => m.id!));
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken);
  return ids;
}

const ids = (messages: readonly MessageSummary[]): string[] => messages.map((m) => m.id);

describe('messages.list paging', () => {
  it('pages through the demo mailbox in three pages of 100, newest first, without a token on the last page', async () => {
    const pages: gmail_v1.Schema$ListMessagesResponse[] = [];
    let pageToken: string | undefined;
    do {
      const page = await list(pageToken ? { pageToken } : {});
      pages.push(page);
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);

    expect(pages.map((page) => page.messages?.length)).toEqual([100, 100, 100]);
    // An over-estimate before the last page, exact on it, like Gmail's.
    expect(pages.map((page) => page.resultSizeEstimate)).toEqual([330, 330, 300]);
    expect(Object.keys(pages[2]!)).not.toContain('nextPageToken');
    const listed = pages.flatMap((page) => page.messages!.map((m) => m.id!));
    expect(new Set(listed).size).toBe(300);
    expect(listed).toEqual(ids(visible));
    expect(pages[0]!.messages![0]).toEqual({ id: visible[0]!.id, threadId: visible[0]!.threadId });
  });

  it('lists SPAM and TRASH too with includeSpamTrash', async () => {
    expect(await listAll({ includeSpamTrash: true })).toEqual(ids(everything));
    expect(everything).toHaveLength(320);
  });

  it('clamps maxResults above 500 to 500', async () => {
    const user = freshUser(emulator, 600);
    const client = oauthClient(emulator);
    await signIn(client, { loginHint: user.email, scope: [GMAIL_READONLY] });
    const page = (await gmail(emulator, client).users.messages.list({ userId: 'me', maxResults: 1000 })).data;
    expect(page.messages).toHaveLength(500);
    expect(page.nextPageToken).toBeTruthy();
  });

  it('rejects a maxResults that is not a number with 400', async () => {
    const rejected = await failure(list({ maxResults: 'many' as unknown as number }));
    expect(rejected.status).toBe(400);
  });

  it('rejects a tampered pageToken with 400', async () => {
    const { nextPageToken } = await list({ maxResults: 10 });
    const tampered = Buffer.from(
      Buffer.from(nextPageToken!, 'base64url').toString().replace(/^\d+/, '5'),
    ).toString('base64url');
    const rejected = await failure(list({ pageToken: tampered }));
    expect(rejected.status).toBe(400);
    expect((rejected.data as { error: { message: string } }).error.message).toBe('Invalid pageToken');
  });

  it('rejects a pageToken issued for another search with 400', async () => {
    const { nextPageToken } = await list({ maxResults: 10, q: 'is:unread' });
    expect((await failure(list({ pageToken: nextPageToken! }))).status).toBe(400);
  });

  it('leaves a deleted message out of later pages', async () => {
    const user = freshUser(emulator, 30);
    const client = oauthClient(emulator);
    await signIn(client, { loginHint: user.email, scope: [GMAIL_READONLY] });
    const userApi = gmail(emulator, client);
    const first = (await userApi.users.messages.list({ userId: 'me', maxResults: 10 })).data;
    const doomed = emulator.messagesOf(user.email)[15]!.id;
    emulator.deleteMessage(user.email, doomed);
    const rest = (await userApi.users.messages.list({ userId: 'me', pageToken: first.nextPageToken! })).data;
    expect(rest.messages!.map((m) => m.id)).not.toContain(doomed);
    expect(rest.messages).toHaveLength(19);
  });
});

describe('messages.list search', () => {
  it('finds free-text words case-insensitively, every word required', async () => {
    const found = await listAll({ q: 'SHIPPED' });
    const withSubject = visible.filter((m) => m.subject.toLowerCase().includes('shipped'));
    expect(withSubject.length).toBeGreaterThan(0);
    expect(found).toEqual(expect.arrayContaining(ids(withSubject)));
    const narrowed = await listAll({ q: 'shipped zzznotthere' });
    expect(narrowed).toEqual([]);
  });

  it('matches a quoted phrase', async () => {
    const subject = visible.find((m) => m.subject.startsWith('Your order #'))!.subject;
    const found = await listAll({ q: `"${subject.toLowerCase()}"` });
    expect(found).toEqual(ids(visible.filter((m) => m.subject === subject)));
  });

  it('filters from:, to: and subject:', async () => {
    expect(await listAll({ q: 'from:acme-store.example' })).toEqual(
      ids(visible.filter((m) => m.from.includes('acme-store.example'))),
    );
    expect(await listAll({ q: 'to:demo@example.com' })).toEqual(
      ids(visible.filter((m) => m.to.includes('demo@example.com'))),
    );
    expect(await listAll({ q: 'subject:lunch' })).toEqual(
      ids(visible.filter((m) => m.subject.toLowerCase().includes('lunch'))),
    );
  });

  it('filters is:unread, is:starred, label: and negated terms', async () => {
    const has = (label: string) => (m: MessageSummary) => m.labelIds.includes(label);
    const unread = visible.filter(has('UNREAD'));
    expect(unread.length).toBeGreaterThan(0);
    expect(await listAll({ q: 'is:unread' })).toEqual(ids(unread));
    expect(await listAll({ q: 'is:read' })).toEqual(ids(visible.filter((m) => !has('UNREAD')(m))));
    expect(await listAll({ q: 'is:starred' })).toEqual(ids(visible.filter(has('STARRED'))));
    expect(await listAll({ q: 'label:receipts' })).toEqual(ids(visible.filter(has('Label_1'))));
    expect(await listAll({ q: 'label:inbox -is:unread' })).toEqual(
      ids(visible.filter((m) => has('INBOX')(m) && !has('UNREAD')(m))),
    );
  });

  it('requires every labelIds value', async () => {
    const both = visible.filter((m) => m.labelIds.includes('INBOX') && m.labelIds.includes('UNREAD'));
    expect(await listAll({ labelIds: ['INBOX', 'UNREAD'] })).toEqual(ids(both));
  });

  it('includes SPAM and TRASH when the search names them', async () => {
    const spam = everything.filter((m) => m.labelIds.includes('SPAM'));
    expect(spam.length).toBeGreaterThan(0);
    expect(await listAll({ q: 'in:spam' })).toEqual(ids(spam));
    expect(await listAll({ labelIds: ['TRASH'] })).toEqual(
      ids(everything.filter((m) => m.labelIds.includes('TRASH'))),
    );
  });

  it('over-estimates resultSizeEstimate on every page but the last, which is exact', async () => {
    const unread = visible.filter((m) => m.labelIds.includes('UNREAD')).length;
    expect(unread).toBeGreaterThan(3);
    const first = await list({ q: 'is:unread', maxResults: 3 });
    expect(first.resultSizeEstimate).toBeGreaterThan(unread);
    expect(first.resultSizeEstimate).toBeLessThanOrEqual(Math.ceil(unread * 1.2) + 10);
    const whole = await list({ q: 'is:unread', maxResults: 500 });
    expect(whole.nextPageToken).toBeUndefined();
    expect(whole.resultSizeEstimate).toBe(unread);
  });

  it('answers no match without a messages key', async () => {
    const page = await list({ q: 'from:nobody-at-all.example' });
    expect(page).toEqual({ resultSizeEstimate: 0 });
  });
});

describe('messages.list access', () => {
  it('answers 403 insufficientPermissions to a token without a Gmail scope', async () => {
    const client = oauthClient(emulator);
    await signIn(client, { scope: ['openid', EMAIL] });
    const rejected = await failure(gmail(emulator, client).users.messages.list({ userId: 'me' }));
    expect(rejected.status).toBe(403);
    expect(reasonOf(rejected.data)).toBe('insufficientPermissions');
    expect(rejected.data).toMatchObject({
      error: { message: 'Request had insufficient authentication scopes.', status: 'PERMISSION_DENIED' },
    });
  });

  it('lets gmail.metadata list without q and refuses q', async () => {
    const client = oauthClient(emulator);
    await signIn(client, { scope: [GMAIL_METADATA] });
    const metadataApi = gmail(emulator, client);
    expect((await metadataApi.users.messages.list({ userId: 'me' })).data.messages).toHaveLength(100);
    const rejected = await failure(metadataApi.users.messages.list({ userId: 'me', q: 'is:unread' }));
    expect(rejected.status).toBe(403);
    expect(rejected.data).toMatchObject({
      error: { message: "Metadata scope does not support 'q' parameter" },
    });
  });

  it("answers 403 for another user's mailbox and accepts the owner's own address", async () => {
    const other = freshUser(emulator);
    expect((await failure(list({ userId: other.email }))).status).toBe(403);
    expect((await list({ userId: 'Demo@Example.com', maxResults: 1 })).messages).toHaveLength(1);
  });
});
