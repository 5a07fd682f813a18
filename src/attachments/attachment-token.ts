import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import type { EncryptionKey } from '../config';

// The token in an attachment's download URL (`/attachments/<token>`). The URL works without the Authorization
// header (a plain link, an <img src>), so the token itself is the authority: sealed with AES-256-GCM under a key
// derived from TOKEN_ENCRYPTION_KEYS (every instance sharing the keyring accepts every other's), it binds the
// user, the message, the attachment and what the response will say (filename, type, size), and expires. Sealed
// rather than only signed, so that a URL in a log or a browser history shows no ids and no filename.

export interface AttachmentGrant {
  readonly userId: string;
  readonly messageId: string;
  /** Gmail's attachmentId; null when the bytes are in the message payload (read by partId). */
  readonly attachmentId: string | null;
  readonly partId: string;
  readonly filename: string;
  readonly mimeType: string;
  /** Size in bytes as Gmail reported it. */
  readonly size: number;
}

/** How long a download URL works after the query that made it. */
export const ATTACHMENT_TOKEN_TTL_MS = 5 * 60_000;

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Gmail attachment ids run to several hundred characters; anything far longer is not ours. */
const MAX_TOKEN_LENGTH = 8192;

export class AttachmentTokenCodec {
  /** First key seals; all open (rotation leaves live links working while their key is kept). */
  private readonly keys: readonly KeyObject[];

  constructor(
    keyring: readonly EncryptionKey[],
    private readonly now: () => number,
  ) {
    this.keys = keyring.map((k) =>
      createSecretKey(
        Buffer.from(hkdfSync('sha256', k.key, Buffer.alloc(0), 'gmail-gateway/attachment-token/v1', 32)),
      ),
    );
  }

  seal(grant: AttachmentGrant): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0], iv);
    const plain = JSON.stringify([
      grant.userId,
      grant.messageId,
      grant.attachmentId,
      grant.partId,
      grant.filename,
      grant.mimeType,
      grant.size,
      this.now() + ATTACHMENT_TOKEN_TTL_MS,
    ]);
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
  }

  /** The grant of a token; null when it is malformed, tampered with, sealed under a key we lack, or expired. */
  open(token: string): AttachmentGrant | null {
    if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
    const bytes = Buffer.from(token, 'base64url');
    // Only the exact spelling we issued: base64url ignores a last character's spare bits, so without this check a
    // token changed in its last character could still open (and one link would have several spellings).
    if (bytes.length <= IV_BYTES + TAG_BYTES || bytes.toString('base64url') !== token) return null;
    const iv = bytes.subarray(0, IV_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    const sealed = bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES);
    for (const key of this.keys) {
      let plain: string;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAuthTag(tag);
        plain = Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8');
      } catch {
        continue;
      }
      return this.grantOf(plain);
    }
    return null;
  }

  private grantOf(plain: string): AttachmentGrant | null {
    let value: unknown;
    try {
      value = JSON.parse(plain);
    } catch {
      return null;
    }
    if (!Array.isArray(value) || value.length !== 8) return null;
    const [userId, messageId, attachmentId, partId, filename, mimeType, size, expiresAt] = value as unknown[];
    if (
      typeof userId !== 'string' ||
      typeof messageId !== 'string' ||
      !(attachmentId === null || typeof attachmentId === 'string') ||
      typeof partId !== 'string' ||
      typeof filename !== 'string' ||
      typeof mimeType !== 'string' ||
      typeof size !== 'number' ||
      typeof expiresAt !== 'number'
    ) {
      return null;
    }
    if (this.now() >= expiresAt) return null;
    return { userId, messageId, attachmentId, partId, filename, mimeType, size };
  }
}
