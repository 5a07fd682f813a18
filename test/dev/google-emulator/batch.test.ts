import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GOOGLE_FAULTS,
  startGoogleEmulator,
  type EmulatorUser,
  type GoogleEmulator,
  type GoogleEmulatorOptions,
} from '../../../dev/google-emulator';
import { freshUser, GMAIL_READONLY, oauthClient, signIn } from './support';

/** Gmail's HTTP batch endpoint, POST /batch/gmail/v1, against the recorded real answer. */

const REAL_404_PART = JSON.parse(
  readFileSync(join(__dirname, '../../fixtures/real-google/gmail-404-not-found-batch-part.json'), 'utf8'),
) as unknown;

const started: GoogleEmulator[] = [];
afterAll(() => Promise.all(started.map((e) => e.stop())));

async function emulatorWith(options: GoogleEmulatorOptions = {}) {
  const emulator = await startGoogleEmulator(options);
  started.push(emulator);
  return emulator;
}

async function tokenOf(emulator: GoogleEmulator, user: EmulatorUser): Promise<string> {
  const tokens = await signIn(oauthClient(emulator), { loginHint: user.email, scope: [GMAIL_READONLY] });
  return tokens.access_token!;
}

/** A started emulator, a fresh user of it signed in, and the first messages of the user's mailbox. */
async function signedIn(options: GoogleEmulatorOptions = {}, mailboxSize?: number) {
  const emulator = await emulatorWith(options);
  const user = mailboxSize === undefined ? freshUser(emulator) : freshUser(emulator, mailboxSize);
  const token = await tokenOf(emulator, user);
  const firstIds = (count: number) =>
    emulator
      .messagesOf(user.email)
      .slice(0, count)
      .map((m) => m.id);
  return { emulator, user, token, firstIds };
}

interface InnerRequest {
  readonly path: string;
  readonly contentId?: string;
  readonly authorization?: string;
}

/** A batch request written the way Google's client libraries write one (CRLF, one application/http part each). */
function batchBody(boundary: string, parts: readonly InnerRequest[]): string {
  const lines: string[] = [];
  for (const part of parts) {
    lines.push(`--${boundary}`, 'Content-Type: application/http');
    if (part.contentId !== undefined) lines.push(`Content-ID: ${part.contentId}`);
    lines.push('', `GET ${part.path}`);
    if (part.authorization !== undefined) lines.push(`Authorization: ${part.authorization}`);
    lines.push('', '');
  }
  lines.push(`--${boundary}--`, '');
  return lines.join('\r\n');
}

interface AnswerPart {
  readonly mimeHeaders: string[];
  readonly statusLine: string;
  readonly headers: string[];
  readonly body: unknown;
}

/** Reads the batch answer strictly: every line the way the recorded real answer lays it out. */
function readAnswer(contentType: string | null, text: string): AnswerPart[] {
  const boundary = /^multipart\/mixed; boundary=(batch_[\w-]+)$/.exec(contentType ?? '')?.[1];
  if (boundary === undefined) throw new Error(`not a batch answer: ${contentType}`);
  expect(text.endsWith(`\r\n--${boundary}--\r\n`)).toBe(true);
  const sections = text.split(`--${boundary}`).slice(1, -1);
  return sections.map((section) => {
    const [mime, http, ...rest] = section.replace(/^\r\n/, '').split('\r\n\r\n');
    const [statusLine, ...headers] = http!.split('\r\n');
    return {
      mimeHeaders: mime!.split('\r\n'),
      statusLine: statusLine!,
      headers,
      body: JSON.parse(rest.join('\r\n\r\n')) as unknown,
    };
  });
}

async function sendBatch(
  emulator: GoogleEmulator,
  parts: readonly InnerRequest[],
  authorization?: string,
): Promise<{ status: number; contentType: string | null; text: string }> {
  const boundary = 'batch_test_boundary';
  const response = await fetch(`${emulator.url}/batch/gmail/v1`, {
    method: 'POST',
    headers: {
      'content-type': `multipart/mixed; boundary=${boundary}`,
      ...(authorization !== undefined ? { authorization } : {}),
    },
    body: batchBody(boundary, parts),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text: await response.text(),
  };
}

const metadataPath = (id: string) =>
  `/gmail/v1/users/me/messages/${id}?format=metadata&metadataHeaders=Subject&metadataHeaders=From`;

describe('POST /batch/gmail/v1', () => {
  it('answers every inner get in its own application/http part, in the shape of the recorded real answer', async () => {
    const { emulator, user, token } = await signedIn();
    const [first, second] = emulator.messagesOf(user.email);
    const batch = await sendBatch(
      emulator,
      [
        { path: metadataPath(first!.id), contentId: '<item-1>' },
        { path: metadataPath(second!.id), contentId: '<item-2>' },
      ],
      `Bearer ${token}`,
    );
    expect(batch.status).toBe(200);
    const parts = readAnswer(batch.contentType, batch.text);
    const direct = await fetch(`${emulator.url}${metadataPath(first!.id)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(parts).toHaveLength(2);
    expect(parts[0]).toEqual({
      mimeHeaders: ['Content-Type: application/http', 'Content-ID: <response-item-1>'],
      statusLine: 'HTTP/1.1 200 OK',
      headers: [
        'Content-Type: application/json; charset=UTF-8',
        'Vary: Origin',
        'Vary: X-Origin',
        'Vary: Referer',
      ],
      body: await direct.json(),
    });
    expect(parts[1]!.mimeHeaders).toContain('Content-ID: <response-item-2>');
    expect((parts[1]!.body as { id: string }).id).toBe(second!.id);
  });

  it('answers a message that does not exist with the recorded 404 part, and a part without Content-ID as response-', async () => {
    const { emulator, token } = await signedIn();
    const batch = await sendBatch(emulator, [{ path: metadataPath('ffffffffffffffff') }], `Bearer ${token}`);
    const [part] = readAnswer(batch.contentType, batch.text);
    expect(part).toEqual({
      mimeHeaders: ['Content-Type: application/http', 'Content-ID: response-'],
      statusLine: 'HTTP/1.1 404 Not Found',
      headers: [
        'Vary: Origin',
        'Vary: X-Origin',
        'Vary: Referer',
        'Content-Type: application/json; charset=UTF-8',
      ],
      body: REAL_404_PART,
    });
  });

  it('charges and logs every inner call as its own messages.get, and the batch once as batch', async () => {
    const { emulator, user, token, firstIds } = await signedIn();
    const ids = firstIds(3);
    emulator.clearRequests();
    await sendBatch(
      emulator,
      ids.map((id) => ({ path: metadataPath(id) })),
      `Bearer ${token}`,
    );
    expect(emulator.quotaSpent(user.email)).toBe(3 * 5);
    const inner = emulator.requests.filter((r) => r.endpoint === 'messages.get');
    expect(inner.map((r) => [r.messageId, r.status, r.inBatch, r.userId])).toEqual(
      ids.map((id) => [id, 200, true, user.id]),
    );
    expect(
      emulator.count('batch', (r) => r.method === 'POST' && r.status === 200 && r.userId === user.id),
    ).toBe(1);
  });

  it('runs the inner calls at once: each holds its own concurrency slot, and the ones over the limit get 429', async () => {
    const { emulator, user, token, firstIds } = await signedIn({ maxConcurrentPerUser: 2 });
    const ids = firstIds(4);
    const batch = await sendBatch(
      emulator,
      ids.map((id) => ({ path: metadataPath(id) })),
      `Bearer ${token}`,
    );
    const parts = readAnswer(batch.contentType, batch.text);
    expect(parts.map((p) => p.statusLine)).toEqual([
      'HTTP/1.1 200 OK',
      'HTTP/1.1 200 OK',
      'HTTP/1.1 429 Too Many Requests',
      'HTTP/1.1 429 Too Many Requests',
    ]);
    expect(parts[2]!.body).toMatchObject({
      error: { code: 429, message: 'Too many concurrent requests for user', status: 'RESOURCE_EXHAUSTED' },
    });
    expect(emulator.peakInFlight(user.email)).toBe(4);
    // Refused by the limit: not charged, like a call sent alone.
    expect(emulator.quotaSpent(user.email)).toBe(2 * 5);
  });

  it('answers when the slowest inner call is done: the batch lasts as long as each of its calls or longer', async () => {
    const { emulator, user, token } = await signedIn();
    emulator.setLatency('messages.get', { distribution: 'uniform', minMs: 5, maxMs: 40 });
    emulator.setLatency('batch', { distribution: 'fixed', ms: 5 });
    const ids = emulator
      .messagesOf(user.email)
      .slice(0, 5)
      .map((m) => m.id);
    emulator.clearRequests();
    await sendBatch(
      emulator,
      ids.map((id) => ({ path: metadataPath(id) })),
      `Bearer ${token}`,
    );
    const [batch] = emulator.requests.filter((r) => r.endpoint === 'batch');
    const inner = emulator.requests.filter((r) => r.endpoint === 'messages.get');
    expect(inner).toHaveLength(5);
    for (const call of inner) {
      expect(call.at).toBeGreaterThanOrEqual(batch!.at);
      expect(call.durationMs).toBeLessThanOrEqual(batch!.durationMs);
    }
    expect(emulator.peakInFlight(user.email)).toBe(5);
  });

  it('serves faults armed for messages.get to the inner call they name only, and a batch fault to the whole request', async () => {
    const { emulator, user, token } = await signedIn();
    const [first, second] = emulator.messagesOf(user.email).map((m) => m.id);
    emulator.injectFault('messages.get', { ...GOOGLE_FAULTS.userRateLimitExceeded, messageId: second! });
    const batch = await sendBatch(
      emulator,
      [{ path: metadataPath(first!) }, { path: metadataPath(second!) }],
      `Bearer ${token}`,
    );
    const parts = readAnswer(batch.contentType, batch.text);
    expect(parts.map((p) => p.statusLine)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 403 Forbidden']);
    expect(parts[1]!.body).toMatchObject({ error: { errors: [{ reason: 'userRateLimitExceeded' }] } });

    emulator.injectFault('batch', { status: 503, reason: 'backendError' });
    const failed = await sendBatch(emulator, [{ path: metadataPath(first!) }], `Bearer ${token}`);
    expect(failed.status).toBe(503);
    expect(JSON.parse(failed.text)).toMatchObject({ error: { code: 503 } });
    expect(emulator.unservedFaults()).toEqual([]);
  });

  it("applies the batch's Authorization to inner calls without their own, and a part's own Authorization to it", async () => {
    const emulator = await emulatorWith();
    const alice = freshUser(emulator);
    const bob = freshUser(emulator);
    const [aliceToken, bobToken] = [await tokenOf(emulator, alice), await tokenOf(emulator, bob)];
    const aliceMessage = emulator.messagesOf(alice.email)[0]!.id;
    const bobMessage = emulator.messagesOf(bob.email)[0]!.id;
    const batch = await sendBatch(
      emulator,
      [
        { path: metadataPath(aliceMessage) },
        { path: metadataPath(bobMessage), authorization: `Bearer ${bobToken}` },
      ],
      `Bearer ${aliceToken}`,
    );
    const parts = readAnswer(batch.contentType, batch.text);
    expect(parts.map((p) => (p.body as { id?: string }).id)).toEqual([aliceMessage, bobMessage]);

    const anonymous = await sendBatch(emulator, [{ path: metadataPath(aliceMessage) }]);
    const [refused] = readAnswer(anonymous.contentType, anonymous.text);
    expect(refused!.statusLine).toBe('HTTP/1.1 401 Unauthorized');
    expect(refused!.headers.some((h) => h.startsWith('WWW-Authenticate: Bearer'))).toBe(true);
  });

  it('refuses more than 100 calls with a 400, serving none of them; 100 are answered', async () => {
    const { emulator, user, token, firstIds } = await signedIn({}, 120);
    const ids = firstIds(101);
    const tooMany = await sendBatch(
      emulator,
      ids.map((id) => ({ path: metadataPath(id) })),
      `Bearer ${token}`,
    );
    expect(tooMany.status).toBe(400);
    expect(JSON.parse(tooMany.text)).toMatchObject({
      error: { code: 400, status: 'INVALID_ARGUMENT', errors: [{ reason: 'badRequest' }] },
    });
    expect(emulator.quotaSpent(user.email)).toBe(0);
    const hundred = await sendBatch(
      emulator,
      ids.slice(0, 100).map((id) => ({ path: metadataPath(id) })),
      `Bearer ${token}`,
    );
    expect(readAnswer(hundred.contentType, hundred.text)).toHaveLength(100);
  });

  it('answers a body that is not multipart/mixed, and paths outside Gmail inside a batch, like Google', async () => {
    const { emulator, token } = await signedIn();
    const plain = await fetch(`${emulator.url}/batch/gmail/v1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{}',
    });
    expect(plain.status).toBe(400);
    expect(await plain.json()).toMatchObject({
      error: { message: 'Invalid multipart request with 0 mime parts.' },
    });
    const outside = await sendBatch(emulator, [{ path: '/__emulator/users' }], `Bearer ${token}`);
    const [part] = readAnswer(outside.contentType, outside.text);
    expect(part!.statusLine).toBe('HTTP/1.1 404 Not Found');
  });
});
