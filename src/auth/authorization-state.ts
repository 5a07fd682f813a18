import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  hkdfSync,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import type { EncryptionKey } from '../config';

// The OAuth `state` is sealed and self-contained, so that minting a consent URL writes nothing: a stranger can
// ask for any number of them without touching the database. It carries, encrypted and authenticated, all that
// the exchange needs later: the expiry, the login hint, the PKCE verifier and the hash of the request secret
// (the half of the sign-in only the browser that started it holds). Using a state is what gets recorded, once
// (see AuthorizationRequestRepository).
//
// Layout before base64url: version (1 byte) | IV (12) | ciphertext | GCM tag (16). The plaintext is
// expiry ms (8, big-endian) | verifier seed (32) | SHA-256 of the request secret (32) | login hint (UTF-8, rest).
// No key id is written: the state is in a URL, in the user's history and in logs, and need not say which key
// made it. Opening tries every key of the keyring, so a rotation leaves states sealed under the previous first
// key working as long as that key is kept (states live 10 minutes; a key removed sooner ends them early, and the
// user simply starts again).

/** Which keys seal states: derived from TOKEN_ENCRYPTION_KEYS, separated from the token cipher and cursors. */
const HKDF_INFO = 'gmail-gateway/authorization-state/v1';
const VERSION = 1;
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEED_BYTES = 32;
const HASH_BYTES = 32;
const FIXED_PLAINTEXT_BYTES = 8 + SEED_BYTES + HASH_BYTES;
/** The version byte is authenticated too, and the purpose: a ciphertext made for anything else never opens. */
const ASSOCIATED_DATA = Buffer.from(`${HKDF_INFO}\u0000${VERSION}`, 'utf8');
/** Request secrets are 256 random bits; the size bounds what a caller can make us hash. */
const MAX_REQUEST_SECRET_LENGTH = 256;

/** What a sealed state holds; only the gateway (with the keyring) can read or make one. */
export interface AuthorizationStateContents {
  readonly expiresAt: Date;
  /** The e-mail passed as `login_hint`, if any. */
  readonly loginHint: string | null;
  /** The PKCE verifier (43 base64url characters, RFC 7636 §4.1). */
  readonly codeVerifier: string;
  /** SHA-256 of the request secret handed to the browser with the URL. */
  readonly requestSecretHash: Buffer;
}

/** A fresh sign-in's secrets: the verifier (sealed into the state) and the request secret (for the browser). */
export interface SignInSecrets {
  readonly codeVerifier: string;
  readonly codeChallenge: string;
  readonly requestSecret: string;
  readonly requestSecretHash: Buffer;
}

/** Makes the verifier and request secret of a new sign-in from 64 random bytes. */
export function newSignInSecrets(randomBytes: (size: number) => Buffer): SignInSecrets {
  const codeVerifier = randomBytes(SEED_BYTES).toString('base64url');
  const requestSecret = randomBytes(32).toString('base64url');
  return {
    codeVerifier,
    codeChallenge: createHash('sha256').update(codeVerifier, 'ascii').digest('base64url'),
    requestSecret,
    requestSecretHash: hashRequestSecret(requestSecret),
  };
}

/** True when `requestSecret` is the one whose hash the state holds; constant time in the secret's content. */
export function requestSecretMatches(requestSecret: string, contents: AuthorizationStateContents): boolean {
  if (requestSecret.length === 0 || requestSecret.length > MAX_REQUEST_SECRET_LENGTH) return false;
  return timingSafeEqual(hashRequestSecret(requestSecret), contents.requestSecretHash);
}

function hashRequestSecret(requestSecret: string): Buffer {
  return createHash('sha256').update(requestSecret, 'utf8').digest();
}

/** Seals and opens states. Created once per process from the keyring: the first key seals, every key opens. */
export class AuthorizationStateCodec {
  /** KeyObjects, made once: node:crypto checks a raw Buffer key on every cipher it creates, at a cost. */
  private readonly keys: readonly KeyObject[];

  constructor(
    keyring: readonly EncryptionKey[],
    private readonly randomBytes: (size: number) => Buffer,
  ) {
    if (keyring.length === 0) throw new Error('AuthorizationStateCodec needs at least one encryption key');
    this.keys = keyring.map((k) =>
      createSecretKey(Buffer.from(hkdfSync('sha256', k.key, Buffer.alloc(0), HKDF_INFO, 32))),
    );
  }

  seal(contents: AuthorizationStateContents): string {
    const seed = Buffer.from(contents.codeVerifier, 'base64url');
    if (seed.length !== SEED_BYTES || seed.toString('base64url') !== contents.codeVerifier) {
      throw new Error('the PKCE verifier must be 32 bytes in base64url (see newSignInSecrets)');
    }
    if (contents.requestSecretHash.length !== HASH_BYTES)
      throw new Error('request secret hash must be 32 bytes');
    const fixed = Buffer.alloc(8);
    fixed.writeBigUInt64BE(BigInt(contents.expiresAt.getTime()));
    const plaintext = Buffer.concat([
      fixed,
      seed,
      contents.requestSecretHash,
      Buffer.from(contents.loginHint ?? '', 'utf8'),
    ]);
    const iv = this.randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys[0], iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(ASSOCIATED_DATA);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, ciphertext, cipher.getAuthTag()]).toString('base64url');
  }

  /**
   * The contents of a state this gateway sealed and that has not expired at `now`; null for anything else
   * (malformed, forged, tampered, sealed under a key no longer configured, expired). Reads and writes nothing.
   */
  open(state: string, now: Date): AuthorizationStateContents | null {
    if (!/^[A-Za-z0-9_-]+$/.test(state)) return null;
    const bytes = Buffer.from(state, 'base64url');
    // Only the canonical spelling: base64url's last character has spare bits, and a second spelling of one state
    // would hash to a second used-state marker, so the state would work twice.
    if (bytes.toString('base64url') !== state) return null;
    if (bytes.length < 1 + IV_BYTES + FIXED_PLAINTEXT_BYTES + TAG_BYTES || bytes[0] !== VERSION) return null;
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const ciphertext = bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    for (const key of this.keys) {
      const plaintext = decrypt(key, iv, ciphertext, tag);
      if (plaintext === null) continue;
      const expiresAt = new Date(Number(plaintext.readBigUInt64BE(0)));
      if (expiresAt.getTime() <= now.getTime()) return null;
      const hint = plaintext.subarray(FIXED_PLAINTEXT_BYTES).toString('utf8');
      return {
        expiresAt,
        codeVerifier: plaintext.subarray(8, 8 + SEED_BYTES).toString('base64url'),
        requestSecretHash: Buffer.from(plaintext.subarray(8 + SEED_BYTES, FIXED_PLAINTEXT_BYTES)),
        loginHint: hint === '' ? null : hint,
      };
    }
    return null;
  }
}

function decrypt(key: KeyObject, iv: Buffer, ciphertext: Buffer, tag: Buffer): Buffer | null {
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(ASSOCIATED_DATA);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    // Not sealed under this key (or tampered with): the caller tries the next one.
    return null;
  }
}
