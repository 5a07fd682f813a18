import { createHmac, createSecretKey, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { EncryptionKey } from '../config';
import { BadUserInputError } from '../errors';

// Opaque, signed cursors for the list connections (messages, threads). A cursor says where the next message is: the Gmail page
// token a list call started from and an offset into that call's results. The signature binds it to the user
// and to the query and filters, none of which is stored in the cursor itself, so a cursor replayed by another
// user or with another query fails verification. Keys derive from TOKEN_ENCRYPTION_KEYS, so every instance
// sharing the keyring accepts every other's cursors.

export interface CursorPosition {
  /** Gmail's pageToken of the list call the offset counts from; null for the start of the list. */
  readonly pageToken: string | null;
  /** How many messages of that list call come before the next one. */
  readonly offset: number;
}

export interface CursorScope {
  /** Which Gmail list the cursor pages through: a messages cursor is refused by threads and back. */
  readonly collection: 'messages' | 'threads';
  readonly userId: string;
  readonly query: string;
  readonly labelIds: readonly string[];
  readonly includeSpamTrash: boolean;
}

const TAG_BYTES = 16;
const MAX_CURSOR_LENGTH = 4096;

export class MessageCursorCodec {
  /** First key signs; all verify (key rotation leaves older cursors valid while their key is kept). */
  private readonly keys: readonly KeyObject[];

  constructor(keyring: readonly EncryptionKey[]) {
    // KeyObjects, made once: node:crypto checks a raw Buffer key on every createHmac at a measurable cost.
    this.keys = keyring.map((k) =>
      createSecretKey(
        Buffer.from(hkdfSync('sha256', k.key, Buffer.alloc(0), 'gmail-gateway/message-cursor/v1', 32)),
      ),
    );
  }

  encode(position: CursorPosition, scope: CursorScope): string {
    const payload = Buffer.from(JSON.stringify([position.pageToken, position.offset])).toString('base64url');
    return `${payload}.${this.tag(this.keys[0], payload, scope).toString('base64url')}`;
  }

  /** The position a cursor points at; BAD_USER_INPUT when it is malformed, tampered with, or foreign. */
  decode(cursor: string, scope: CursorScope): CursorPosition {
    const invalid = () =>
      new BadUserInputError(
        'after is not a cursor issued for this query and account; start again without it',
        'after',
      );
    const [payload, tag, extra] = cursor.length > MAX_CURSOR_LENGTH ? [] : cursor.split('.');
    if (payload === undefined || tag === undefined || extra !== undefined) throw invalid();
    const given = Buffer.from(tag, 'base64url');
    const valid = this.keys.some((key) => {
      const expected = this.tag(key, payload, scope);
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
    if (!valid) throw invalid();
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw invalid();
    }
    if (
      !Array.isArray(decoded) ||
      decoded.length !== 2 ||
      !(decoded[0] === null || typeof decoded[0] === 'string') ||
      !Number.isSafeInteger(decoded[1]) ||
      (decoded[1] as number) < 0
    ) {
      throw invalid();
    }
    return { pageToken: decoded[0] as string | null, offset: decoded[1] as number };
  }

  private tag(key: KeyObject, payload: string, scope: CursorScope): Buffer {
    const bound = JSON.stringify([
      // Left out for messages, so that cursors issued before threads existed stay valid.
      ...(scope.collection === 'messages' ? [] : [scope.collection]),
      scope.userId,
      scope.query,
      [...scope.labelIds].sort(),
      scope.includeSpamTrash,
    ]);
    return createHmac('sha256', key)
      .update(payload)
      .update('\n')
      .update(bound)
      .digest()
      .subarray(0, TAG_BYTES);
  }
}
