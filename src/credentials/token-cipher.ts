import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import type { EncryptionKey } from '../config';

/**
 * A value encrypted by {@link TokenCipher}: `v1.<kid>.<iv>.<ciphertext>.<tag>`, the binary parts in base64url.
 *
 * Why a string rather than a BSON subdocument: it is as compact for token-sized values (the field names of a
 * subdocument cost what base64 does), it is one opaque value that any store, driver or shell copies without
 * losing a type (no `Binary` to survive), and equality on it is plain string equality. The version comes first
 * so that a future format can be told apart; the key id is in clear so that rotation knows which key to use
 * (`{ refreshToken: /^v1\.old-kid\./ }` finds what an old key still protects).
 *
 * The brand keeps a plaintext string from being stored where a ciphertext belongs: only `encrypt` makes one.
 */
export type EncryptedValue = string & { readonly [encryptedBrand]: true };
declare const encryptedBrand: unique symbol;

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
/** 96 bits, the IV size GCM is specified for; random per value (2^-32 collision risk only after ~2^32 values). */
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Key ids go into every stored value in clear: the same alphabet as TOKEN_ENCRYPTION_KEYS accepts. */
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** Domain separation: the keyring also signs message cursors (message-cursor.ts derives its own key). */
const HKDF_INFO = 'gmail-gateway/token-cipher/v1';

/** Why a value could not be decrypted. Never carries key material, ciphertext or plaintext. */
export type TokenDecryptionFailure = 'MALFORMED' | 'UNKNOWN_KEY' | 'AUTHENTICATION_FAILED';

/**
 * A stored value cannot be decrypted: malformed, written under a key that is no longer configured, tampered
 * with, or moved to a place whose associated data differs (another user's document, another field).
 */
export class TokenDecryptionError extends Error {
  constructor(
    readonly reason: TokenDecryptionFailure,
    /** The key id the value names, when it could be read; key ids are not secret. */
    readonly keyId: string | null = null,
  ) {
    super(
      reason === 'UNKNOWN_KEY'
        ? `stored value was encrypted under key "${keyId}", which is not configured`
        : reason === 'MALFORMED'
          ? 'stored value is not an encrypted value this gateway can read'
          : 'stored value failed authentication (wrong key, tampered, or bound to other data)',
    );
    this.name = 'TokenDecryptionError';
  }
}

/**
 * AES-256-GCM for tokens at rest. Created once per process from the keyring: the first key encrypts, every
 * other key is decrypt-only. A key is rotated in two phases (README, "Rotating TOKEN_ENCRYPTION_KEYS"): add it
 * after the current one everywhere (decrypt-only), then put it first; `npm run rewrap` re-encrypts what the old
 * key still protects, and only then is the old key removed.
 *
 * `associatedData` is authenticated but not stored: it binds a ciphertext to where it belongs (for example the
 * user id and field name), so a value copied to another document or field fails to decrypt.
 */
export class TokenCipher {
  private readonly current: { readonly id: string; readonly key: KeyObject };
  /** KeyObjects, made once: node:crypto checks a raw Buffer key on every cipher it creates, at a cost. */
  private readonly keys: ReadonlyMap<string, KeyObject>;

  constructor(keyring: readonly EncryptionKey[]) {
    if (keyring.length === 0) throw new Error('TokenCipher needs at least one encryption key');
    const keys = new Map<string, KeyObject>();
    for (const { id, key } of keyring) {
      if (!KEY_ID.test(id)) throw new Error(`encryption key id "${id}" must match ${KEY_ID.source}`);
      // The message names the key by id and length only, never by its bytes.
      if (key.length !== KEY_BYTES) {
        throw new Error(`encryption key "${id}" must be ${KEY_BYTES} bytes, got ${key.length}`);
      }
      if (keys.has(id)) throw new Error(`encryption key id "${id}" appears twice`);
      keys.set(
        id,
        createSecretKey(Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), HKDF_INFO, KEY_BYTES))),
      );
    }
    this.keys = keys;
    const first = keyring[0];
    this.current = { id: first.id, key: keys.get(first.id)! };
  }

  /** A fresh random key (local mode, tests). Keep it secret; it is the only way back to what it encrypted. */
  static generateKey(id: string): EncryptionKey {
    return { id, key: randomBytes(KEY_BYTES) };
  }

  /** The id of the key new values are encrypted under. */
  get currentKeyId(): string {
    return this.current.id;
  }

  /** Whether values written under this key id can be decrypted here. */
  hasKey(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  /** The key id a stored value names, or null when it is not a value this format can hold. Does not decrypt. */
  static keyIdOf(value: string): string | null {
    const parts = value.split('.');
    if (parts.length < 5 || parts[0] !== VERSION) return null;
    const keyId = parts.slice(1, -3).join('.');
    return KEY_ID.test(keyId) ? keyId : null;
  }

  encrypt(plaintext: string, associatedData: string): EncryptedValue {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(this.current.id, associatedData));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, this.current.id, b64(iv), b64(ciphertext), b64(tag)].join('.') as EncryptedValue;
  }

  /** The plaintext; throws {@link TokenDecryptionError} for anything that does not authenticate. */
  decrypt(value: EncryptedValue, associatedData: string): string {
    const parts = typeof value === 'string' ? value.split('.') : [];
    // Parsed from both ends: key ids may contain dots, base64url never does.
    if (parts.length < 5 || parts[0] !== VERSION) throw new TokenDecryptionError('MALFORMED');
    const [ivText, ciphertextText, tagText] = parts.slice(-3) as [string, string, string];
    const keyId = parts.slice(1, -3).join('.');
    if (!KEY_ID.test(keyId) || ![ivText, ciphertextText, tagText].every((p) => BASE64URL.test(p))) {
      throw new TokenDecryptionError('MALFORMED');
    }
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
      throw new TokenDecryptionError('MALFORMED', keyId);
    const key = this.keys.get(keyId);
    if (key === undefined) throw new TokenDecryptionError('UNKNOWN_KEY', keyId);

    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(keyId, associatedData));
    decipher.setAuthTag(tag);
    try {
      const plaintext = Buffer.concat([
        decipher.update(Buffer.from(ciphertextText, 'base64url')),
        decipher.final(),
      ]);
      return plaintext.toString('utf8');
    } catch {
      // OpenSSL's own message ("Unsupported state or unable to authenticate data") says nothing more useful.
      throw new TokenDecryptionError('AUTHENTICATION_FAILED', keyId);
    }
  }
}

/** The version and key id are authenticated too; NUL cannot occur in a key id, so the encoding is unambiguous. */
function aad(keyId: string, associatedData: string): Buffer {
  return Buffer.from(`${VERSION}\u0000${keyId}\u0000${associatedData}`, 'utf8');
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64url');
}
