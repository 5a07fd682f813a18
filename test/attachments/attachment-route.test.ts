import { randomBytes } from 'node:crypto';
import { AttachmentTokenCodec } from '../../src/attachments/attachment-token';
import { Harness } from '../support/harness';

// The download route, against the emulator: what it serves, and that a bad token never reaches Google.

let h: Harness;
let demo: { token: string; viewer: { id: string } };
beforeAll(async () => {
  h = await Harness.start();
  demo = await h.signIn();
});
afterAll(() => h.stop());
beforeEach(() => h.emulator.clearRequests());

const gmailCalls = () =>
  h.emulator.requests.filter((r) => r.endpoint !== 'control' && r.endpoint !== 'other');

describe('GET /attachments/<token>', () => {
  it('serves a part kept in the payload with its bytes and download headers, in one messages.get', async () => {
    const [message] = h.emulator.messagesOf(demo.viewer.id);
    const token = h.gateway.services.attachmentTokens.seal({
      userId: demo.viewer.id,
      messageId: message!.id,
      attachmentId: null,
      partId: '0',
      filename: 'notes "été".txt',
      mimeType: 'text/plain',
      size: 1,
    });
    const response = await fetch(`${h.url}/attachments/${token}`);
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.length).toBeGreaterThan(0);
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="notes __t__.txt"; filename*=UTF-8''notes%20%22%C3%A9t%C3%A9%22.txt`,
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(gmailCalls().map((r) => [r.endpoint, r.query['format']])).toEqual([['messages.get', 'full']]);
  });

  it.each([
    ['garbage', () => 'not-a-token'],
    ['tampered', () => tamper(sealFor(h.gateway.services.attachmentTokens))],
    [
      'foreign',
      () => sealFor(new AttachmentTokenCodec([{ id: 'x', key: randomBytes(32) }], () => Date.now())),
    ],
  ])('answers 404 to a %s token without calling Google', async (_kind, token) => {
    const response = await fetch(`${h.url}/attachments/${token()}`);
    expect(response.status).toBe(404);
    expect(gmailCalls()).toEqual([]);
  });

  it('answers 404 to an expired token without calling Google', async () => {
    let now = Date.now() - 6 * 60_000;
    const old = new AttachmentTokenCodec(h.encryptionKeys, () => now);
    const token = sealFor(old);
    now = Date.now();
    const response = await fetch(`${h.url}/attachments/${token}`);
    expect(response.status).toBe(404);
    expect(gmailCalls()).toEqual([]);
  });
});

function sealFor(codec: AttachmentTokenCodec): string {
  const [message] = h.emulator.messagesOf(demo.viewer.id);
  return codec.seal({
    userId: demo.viewer.id,
    messageId: message!.id,
    attachmentId: null,
    partId: '0',
    filename: 'a.txt',
    mimeType: 'text/plain',
    size: 1,
  });
}

function tamper(token: string): string {
  const index = Math.floor(token.length / 2);
  return token.slice(0, index) + (token[index] === 'A' ? 'B' : 'A') + token.slice(index + 1);
}

describe('the download and the Gmail budget', () => {
  it('answers 429 with Retry-After, without calling Google, once the user spent the minute', async () => {
    const windowMs = 60_000;
    const nowMs = Math.floor(Date.now() / windowMs) * windowMs + 1_000;
    const budgeted = await Harness.start({
      env: { GMAIL_USER_QUOTA_PER_MINUTE: '10' },
      now: () => new Date(nowMs),
    });
    try {
      const user = budgeted.emulator.addUser({ email: 'budget.download@example.com', messages: 5 });
      const { token } = await budgeted.signIn(user.email);
      // 1 list + 1 get at 5 units each: the whole minute.
      const spent = await budgeted.graphql(
        `query { messages(first: 1) { edges { node { subject } } } }`,
        {},
        { token },
      );
      expect(spent.body.errors).toBeUndefined();
      const [message] = budgeted.emulator.messagesOf(user.id);
      const download = budgeted.gateway.services.attachmentTokens.seal({
        userId: user.id,
        messageId: message!.id,
        attachmentId: null,
        partId: '0',
        filename: 'a.txt',
        mimeType: 'text/plain',
        size: 1,
      });
      budgeted.emulator.clearRequests();
      const response = await fetch(`${budgeted.url}/attachments/${download}`);
      expect(response.status).toBe(429);
      expect(Number(response.headers.get('retry-after'))).toBe(59);
      expect(budgeted.emulator.requests.filter((r) => r.endpoint !== 'control')).toEqual([]);
    } finally {
      await budgeted.stop();
    }
  });
});
