import { randomBytes } from 'node:crypto';
import { MessageCursorCodec, type CursorScope } from '../../src/gmail/message-cursor';

const keyA = { id: 'a', key: randomBytes(32) };
const keyB = { id: 'b', key: randomBytes(32) };
const scope: CursorScope = {
  collection: 'messages',
  userId: 'u1',
  query: 'from:ada',
  labelIds: ['INBOX'],
  includeSpamTrash: false,
};
const codec = new MessageCursorCodec([keyA]);

function expectRejected(run: () => unknown) {
  expect(run).toThrow(
    expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
  );
}

describe('MessageCursorCodec', () => {
  it('round-trips a position for the same user and query', () => {
    const cursor = codec.encode({ pageToken: 'tok', offset: 7 }, scope);
    expect(codec.decode(cursor, scope)).toEqual({ pageToken: 'tok', offset: 7 });
  });

  it('does not reveal the user, the query or the label filter', () => {
    const cursor = codec.encode({ pageToken: null, offset: 3 }, scope);
    const text = Buffer.from(cursor.split('.')[0]!, 'base64url').toString();
    expect(text).not.toMatch(/u1|ada|INBOX/);
  });

  it('rejects a cursor used by another user, with another query, labels or spam setting', () => {
    const cursor = codec.encode({ pageToken: 'tok', offset: 1 }, scope);
    expectRejected(() => codec.decode(cursor, { ...scope, userId: 'u2' }));
    expectRejected(() => codec.decode(cursor, { ...scope, query: 'from:bob' }));
    expectRejected(() => codec.decode(cursor, { ...scope, labelIds: ['SENT'] }));
    expectRejected(() => codec.decode(cursor, { ...scope, includeSpamTrash: true }));
  });

  it('rejects tampered, truncated and malformed cursors', () => {
    const cursor = codec.encode({ pageToken: 'tok', offset: 1 }, scope);
    const [payload, tag] = cursor.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify(['tok', 400])).toString('base64url');
    expectRejected(() => codec.decode(`${forged}.${tag}`, scope));
    expectRejected(() => codec.decode(`${payload}.${tag.slice(0, -2)}`, scope));
    expectRejected(() => codec.decode(payload, scope));
    expectRejected(() => codec.decode('', scope));
    expectRejected(() => codec.decode('a.b.c', scope));
    expectRejected(() => codec.decode('x'.repeat(10_000), scope));
  });

  it('keeps accepting cursors signed with an older key after rotation', () => {
    const old = new MessageCursorCodec([keyB]).encode({ pageToken: null, offset: 2 }, scope);
    const rotated = new MessageCursorCodec([keyA, keyB]);
    expect(rotated.decode(old, scope)).toEqual({ pageToken: null, offset: 2 });
    expectRejected(() => codec.decode(old, scope));
  });
});
