import type { gmail_v1 } from 'googleapis/build/src/apis/gmail';
import {
  HOSTILE_HTML,
  type GoogleEmulator,
  type MessageFeature,
  type MessageSummary,
} from '../../../dev/google-emulator';
import { failure, gmail, GMAIL_METADATA, oauthClient, reasonOf, signIn, startDemoReader } from './support';

let emulator: GoogleEmulator;
let api: gmail_v1.Gmail;
let demo: readonly MessageSummary[];

beforeAll(async () => {
  ({ emulator, api, demo } = await startDemoReader());
});
afterAll(() => emulator.stop());

type Part = gmail_v1.Schema$MessagePart;

const withFeature = (feature: MessageFeature): MessageSummary => {
  const found = demo.find((m) => m.features.includes(feature));
  if (!found) throw new Error(`the demo mailbox has no message with ${feature}`);
  return found;
};
const full = async (id: string): Promise<gmail_v1.Schema$Message> =>
  (await api.users.messages.get({ userId: 'me', id, format: 'full' })).data;
const header = (part: Part | undefined, name: string): string | undefined =>
  part?.headers?.find((h) => h.name?.toLowerCase() === name.toLowerCase())?.value ?? undefined;
/** Every part, depth first, the way a MIME reader walks them. */
const flatten = (part: Part): Part[] => [part, ...(part.parts ?? []).flatMap(flatten)];
const bytesOf = (part: Part): Buffer => Buffer.from(part.body!.data!, 'base64url');

describe('format=full MIME trees', () => {
  it('numbers parts like Gmail: "" for the message, then 0, 1 and 1.0, 1.1 below', async () => {
    const travel = demo.find(
      (m) => m.features.includes('inlineImage') && !m.features.includes('attachment'),
    )!;
    const { payload } = await full(travel.id);
    expect(payload?.partId).toBe('');
    expect(payload?.mimeType).toBe('multipart/alternative');
    expect(payload?.body).toEqual({ size: 0 });
    expect(flatten(payload!).map((p) => [p.partId, p.mimeType])).toEqual([
      ['', 'multipart/alternative'],
      ['0', 'text/plain'],
      ['1', 'multipart/related'],
      ['1.0', 'text/html'],
      ['1.1', 'image/png'],
    ]);
    expect(header(payload, 'Content-Type')).toMatch(/^multipart\/alternative; boundary="/);
  });

  it('refers to an inline image by cid: from the HTML, with its Content-ID header', async () => {
    const { payload } = await full(withFeature('inlineImage').id);
    const parts = flatten(payload!);
    const image = parts.find((p) => p.mimeType === 'image/png')!;
    const contentId = header(image, 'Content-ID')!;
    expect(contentId).toMatch(/^<logo-[0-9a-f]+@mail\.example>$/);
    expect(header(image, 'Content-Disposition')).toBe('inline; filename="logo.png"');
    const html = bytesOf(parts.find((p) => p.mimeType === 'text/html')!).toString('utf8');
    expect(html).toContain(`src="cid:${contentId.slice(1, -1)}"`);
    expect(bytesOf(image).subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('nests the alternative in multipart/mixed with attachments: small ones inline, large ones only by id', async () => {
    const receipt = demo.find(
      (m) => m.features.includes('largeAttachment') && m.labelIds.includes('Label_1'),
    )!;
    const { payload } = await full(receipt.id);
    expect(payload?.mimeType).toBe('multipart/mixed');
    const [alternative, pdf] = payload!.parts!;
    expect(alternative?.partId).toBe('0');
    expect(alternative?.parts?.map((p) => p.partId)).toEqual(['0.0', '0.1']);
    expect(pdf).toMatchObject({
      partId: '1',
      mimeType: 'application/pdf',
      filename: expect.stringMatching(/\.pdf$/),
    });
    expect(pdf!.body!.data).toBeUndefined();
    expect(pdf!.body!.size).toBeGreaterThan(4096);
    expect(pdf!.body!.attachmentId!.length).toBeGreaterThan(100);
    expect(header(pdf, 'Content-Disposition')).toMatch(/^attachment; filename=".+\.pdf"$/);

    const small = demo
      .filter((m) => m.features.includes('attachment') && !m.features.includes('largeAttachment'))
      .find((m) => m.labelIds.includes('Label_3'))!;
    const notes = flatten((await full(small.id)).payload!).find((p) => p.filename === 'notes.txt')!;
    expect(notes.body!.attachmentId).toBeUndefined();
    expect(bytesOf(notes).toString('utf8')).toMatch(/^Notes: /);
    expect(notes.body!.size).toBe(bytesOf(notes).length);
  });

  it('serves a large attachment with messages.attachments.get: the size and the exact bytes in base64url', async () => {
    const message = withFeature('largeAttachment');
    const pdf = flatten((await full(message.id)).payload!).find((p) => p.body?.attachmentId)!;
    const { data } = await api.users.messages.attachments.get({
      userId: 'me',
      messageId: message.id,
      id: pdf.body!.attachmentId!,
    });
    const bytes = Buffer.from(data.data!, 'base64url');
    expect(data.size).toBe(pdf.body!.size);
    expect(bytes.length).toBe(pdf.body!.size);
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
    // The raw form carries the same bytes in base64.
    const raw = Buffer.from(
      (await api.users.messages.get({ userId: 'me', id: message.id, format: 'raw' })).data.raw!,
      'base64url',
    ).toString('latin1');
    expect(raw.replace(/\r\n/g, '')).toContain(bytes.toString('base64'));
  });

  it('answers an unknown attachment id with 400 and an unknown message with 404, like Gmail', async () => {
    const message = withFeature('largeAttachment');
    const wrongId = await failure(
      api.users.messages.attachments.get({ userId: 'me', messageId: message.id, id: 'ANGjdJ-not-an-id' }),
    );
    expect(wrongId.status).toBe(400);
    const pdf = flatten((await full(message.id)).payload!).find((p) => p.body?.attachmentId)!;
    const wrongMessage = await failure(
      api.users.messages.attachments.get({
        userId: 'me',
        messageId: 'ffffffffffffffff',
        id: pdf.body!.attachmentId!,
      }),
    );
    expect(wrongMessage.status).toBe(404);
  });

  it('keeps ISO-8859-1 bodies in their charset, quoted-printable in the raw form', async () => {
    const message = demo.find((m) => m.subject === 'Réunion à Montréal')!;
    expect(message.features).toEqual(expect.arrayContaining(['latin1', 'quotedPrintable', 'encodedSubject']));
    const { payload } = await full(message.id);
    const text = payload!.parts![0]!;
    expect(header(text, 'Content-Type')).toBe('text/plain; charset="ISO-8859-1"');
    expect(header(text, 'Content-Transfer-Encoding')).toBe('quoted-printable');
    // Gmail hands over the decoded transfer encoding, still in the part's charset.
    expect(bytesOf(text).toString('latin1')).toContain("réunion de l'équipe aura lieu à Montréal");
    expect(bytesOf(text).includes(Buffer.from('é', 'utf8'))).toBe(false);
    const raw = Buffer.from(
      (await api.users.messages.get({ userId: 'me', id: message.id, format: 'raw' })).data.raw!,
      'base64url',
    ).toString('latin1');
    expect(raw).toContain('=E9quipe aura lieu =E0 Montr=E9al');
  });

  it('keeps a few RFC 2047 encoded headers as the sender wrote them, with Cc and Reply-To', async () => {
    const message = demo.find((m) => m.subject === 'Réunion à Montréal')!;
    const { payload } = await full(message.id);
    expect(header(payload, 'Subject')).toBe('=?ISO-8859-1?Q?R=E9union_=E0_Montr=E9al?=');
    expect(header(payload, 'From')).toBe('=?ISO-8859-1?Q?H=E9l=E8ne_C=F4t=E9?= <helene.cote@example.org>');
    expect(header(payload, 'Cc')).toBe('Marc Tremblay <marc.tremblay@example.org>');
    expect(header(payload, 'Reply-To')).toBe('Hélène Côté <helene@example.net>');
    const showcase = demo.find((m) => m.features.includes('encodedSubject') && m !== message)!;
    expect(header((await full(showcase.id)).payload, 'Subject')).toMatch(/^=\?UTF-8\?B\?.+\?=$/);
  });

  it('has Windows-1252 bodies with characters Latin-1 lacks', async () => {
    const message = withFeature('windows1252');
    const text = (await full(message.id)).payload!.parts![0]!;
    expect(header(text, 'Content-Type')).toBe('text/plain; charset="windows-1252"');
    expect(bytesOf(text).includes(0x92)).toBe(true);
  });

  it('has newsletters with remote images and a tracking pixel', async () => {
    const message = withFeature('trackingPixel');
    const html = bytesOf(
      flatten((await full(message.id)).payload!).find((p) => p.mimeType === 'text/html')!,
    ).toString('utf8');
    expect(html).toMatch(/<img src="https:\/\/cdn\.[^"]+"/);
    expect(html).toMatch(/<img src="https:\/\/track\.[^"]+" width="1" height="1"/);
  });

  it('files the whole hostile corpus under the user label Suspicious, HTML unchanged', async () => {
    const { data } = await api.users.messages.list({ userId: 'me', q: 'label:Suspicious', maxResults: 50 });
    const hostile = demo.filter((m) => m.features.includes('hostile'));
    expect(data.messages?.map((m) => m.id).sort()).toEqual(hostile.map((m) => m.id).sort());
    expect(hostile.map((m) => m.hostile).sort()).toEqual(
      [...HOSTILE_HTML.map((h) => h.name), 'large newsletter'].sort(),
    );
    const scripts = hostile.find((m) => m.hostile === 'script tags')!;
    expect(scripts.labelIds).toContain('Label_4');
    const html = bytesOf((await full(scripts.id)).payload!.parts![1]!).toString('utf8');
    expect(html).toBe(HOSTILE_HTML.find((h) => h.name === 'script tags')!.html);
    const large = hostile.find((m) => m.hostile === 'large newsletter')!;
    expect(large.sizeEstimate).toBeGreaterThan(1024 * 1024);
  });

  it('finds attachments with has:attachment', async () => {
    const { data } = await api.users.messages.list({ userId: 'me', q: 'has:attachment', maxResults: 500 });
    const expected = demo.filter((m) => m.features.includes('attachment')).map((m) => m.id);
    expect(expected.length).toBeGreaterThan(10);
    expect(data.messages?.map((m) => m.id)).toEqual(expected);
  });

  it('keeps the newest message a plain multipart/alternative and the mailbox at 300 messages', () => {
    expect(demo).toHaveLength(300);
    expect(demo[0]!.features).toEqual(['html']);
  });

  it('refuses attachments to a metadata-scope token', async () => {
    const client = oauthClient(emulator);
    await signIn(client, { scope: [GMAIL_METADATA] });
    const message = withFeature('largeAttachment');
    const result = await failure(
      gmail(emulator, client).users.messages.attachments.get({
        userId: 'me',
        messageId: message.id,
        id: 'x',
      }),
    );
    expect(result.status).toBe(403);
    expect(reasonOf(result.data)).toBe('forbidden');
  });
});
