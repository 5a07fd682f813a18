import type { gmail_v1 } from 'googleapis/build/src/apis/gmail';
import { startGoogleEmulator, type GoogleEmulator, type MessageSummary } from '../../../dev/google-emulator';
import { failure, gmail, GMAIL_METADATA, GMAIL_READONLY, oauthClient, reasonOf, signIn } from './support';

let emulator: GoogleEmulator;
let api: gmail_v1.Gmail;
let message: MessageSummary;

beforeAll(async () => {
  emulator = await startGoogleEmulator();
  const client = oauthClient(emulator);
  await signIn(client, { scope: [GMAIL_READONLY] });
  api = gmail(emulator, client);
  message = emulator.messagesOf(emulator.demoUser.email)[0]!;
});
afterAll(() => emulator.stop());

const header = (payload: gmail_v1.Schema$MessagePart | undefined, name: string) =>
  payload?.headers?.find((h) => h.name?.toLowerCase() === name.toLowerCase())?.value;

describe('messages.get', () => {
  it('answers format=minimal with ids, labels, snippet, size and dates but no payload', async () => {
    const { data } = await api.users.messages.get({ userId: 'me', id: message.id, format: 'minimal' });
    expect(data).toEqual({
      id: message.id,
      threadId: message.threadId,
      labelIds: message.labelIds,
      snippet: message.snippet,
      sizeEstimate: message.sizeEstimate,
      historyId: expect.stringMatching(/^\d+$/),
      internalDate: String(message.date.getTime()),
    });
  });

  it('answers format=metadata with only the metadataHeaders asked for, matched case-insensitively', async () => {
    const { data } = await api.users.messages.get({
      userId: 'me',
      id: message.id,
      format: 'metadata',
      metadataHeaders: ['subject', 'From', 'TO'],
    });
    expect(data.payload?.headers).toEqual([
      { name: 'Subject', value: message.subject },
      { name: 'From', value: message.from },
      { name: 'To', value: message.to },
    ]);
    expect(data.payload?.parts).toBeUndefined();
  });

  it('answers format=metadata with every header when none is named', async () => {
    const { data } = await api.users.messages.get({ userId: 'me', id: message.id, format: 'metadata' });
    const names = data.payload?.headers?.map((h) => h.name);
    expect(names).toEqual(
      expect.arrayContaining(['Date', 'Message-ID', 'Subject', 'From', 'To', 'Content-Type']),
    );
    expect(new Date(header(data.payload, 'Date')!).getTime()).toBe(message.date.getTime());
  });

  it('answers format=full with text and HTML parts in base64url', async () => {
    const { data } = await api.users.messages.get({ userId: 'me', id: message.id });
    expect(data.payload?.mimeType).toBe('multipart/alternative');
    const [text, htmlPart] = data.payload!.parts!;
    expect(text?.mimeType).toBe('text/plain');
    expect(htmlPart?.mimeType).toBe('text/html');
    const decoded = Buffer.from(text!.body!.data!, 'base64url').toString('utf8');
    expect(text!.body!.size).toBe(Buffer.byteLength(decoded));
    // Gmail's snippet is the start of the text, HTML-escaped.
    const unescaped = message.snippet
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
    expect(decoded.replace(/\s+/g, ' ')).toContain(unescaped);
  });

  it('answers format=raw with an RFC 5322 message in base64url', async () => {
    const { data } = await api.users.messages.get({ userId: 'me', id: message.id, format: 'raw' });
    const raw = Buffer.from(data.raw!, 'base64url').toString('utf8');
    expect(raw).toMatch(/^Delivered-To: demo@example\.com\r\n/);
    expect(raw).toContain('Content-Type: multipart/alternative; boundary=');
  });

  it("answers an unknown id with Google's 404", async () => {
    const rejected = await failure(api.users.messages.get({ userId: 'me', id: '18c0000000000000' }));
    expect(rejected.status).toBe(404);
    expect(rejected.data).toEqual({
      error: {
        code: 404,
        message: 'Requested entity was not found.',
        errors: [{ message: 'Requested entity was not found.', domain: 'global', reason: 'notFound' }],
        status: 'NOT_FOUND',
      },
    });
  });

  it('answers 404 for a message deleted since it was listed', async () => {
    const doomed = emulator.messagesOf(emulator.demoUser.email)[299]!;
    emulator.deleteMessage(emulator.demoUser.id, doomed.id);
    expect((await failure(api.users.messages.get({ userId: 'me', id: doomed.id }))).status).toBe(404);
  });

  it('answers 400 for an id that cannot be a Gmail id and for an unknown format', async () => {
    expect((await failure(api.users.messages.get({ userId: 'me', id: 'not-an-id!' }))).status).toBe(400);
    const badFormat = await failure(
      api.users.messages.get({ userId: 'me', id: message.id, format: 'everything' }),
    );
    expect(badFormat.status).toBe(400);
  });

  it('lets gmail.metadata read metadata but not the full message', async () => {
    const client = oauthClient(emulator);
    await signIn(client, { scope: [GMAIL_METADATA] });
    const metadataApi = gmail(emulator, client);
    const { data } = await metadataApi.users.messages.get({
      userId: 'me',
      id: message.id,
      format: 'metadata',
    });
    expect(header(data.payload, 'Subject')).toBe(message.subject);
    const rejected = await failure(metadataApi.users.messages.get({ userId: 'me', id: message.id }));
    expect(rejected.status).toBe(403);
    expect(reasonOf(rejected.data)).toBe('forbidden');
  });
});
