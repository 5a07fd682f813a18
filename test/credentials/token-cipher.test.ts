import type { EncryptionKey } from '../../src/config';
import { TokenCipher, TokenDecryptionError, type EncryptedValue } from '../../src/credentials/token-cipher';

const oldKey: EncryptionKey = { id: '2025-11', key: Buffer.alloc(32, 0x11) };
const newKey: EncryptionKey = { id: '2026.03', key: Buffer.alloc(32, 0x22) };
const refreshToken = '1//0refresh-token-of-ada-üñí';
const userAda = 'credential.refreshToken:1001';

/** Replaces one dot-separated part of a stored value, counted from the end (-1 = tag, -2 = ciphertext, -3 = iv). */
function withPart(value: EncryptedValue, fromEnd: number, replace: (part: string) => string): EncryptedValue {
  const parts = value.split('.');
  const index = parts.length + fromEnd;
  parts[index] = replace(parts[index]!);
  return parts.join('.') as EncryptedValue;
}

function flipFirstByte(part: string): string {
  const bytes = Buffer.from(part, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  return bytes.toString('base64url');
}

function decryptionError(action: () => unknown): TokenDecryptionError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenDecryptionError);
    return error as TokenDecryptionError;
  }
  throw new Error('expected a TokenDecryptionError, nothing was thrown');
}

describe('TokenCipher', () => {
  const cipher = new TokenCipher([oldKey]);

  it('gives back the plaintext it encrypted, for the same associated data', () => {
    const value = cipher.encrypt(refreshToken, userAda);
    expect(cipher.decrypt(value, userAda)).toBe(refreshToken);
    expect(cipher.decrypt(cipher.encrypt('', userAda), userAda)).toBe('');
  });

  it('stores a versioned value naming its key, without the plaintext', () => {
    const value = cipher.encrypt(refreshToken, userAda);
    expect(value).toMatch(/^v1\.2025-11\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(value).not.toContain('refresh-token');
    expect(value).not.toContain(Buffer.from(refreshToken).toString('base64url'));
  });

  it('encrypts the same token differently every time (random IV)', () => {
    const values = new Set(Array.from({ length: 50 }, () => cipher.encrypt(refreshToken, userAda)));
    expect(values.size).toBe(50);
  });

  it('refuses a value under other associated data, e.g. moved to another user or field', () => {
    const value = cipher.encrypt(refreshToken, userAda);
    expect(decryptionError(() => cipher.decrypt(value, 'credential.refreshToken:1002')).reason).toBe(
      'AUTHENTICATION_FAILED',
    );
    decryptionError(() => cipher.decrypt(value, 'credential.accessToken:1001'));
  });

  it.each([
    ['tag', -1],
    ['ciphertext', -2],
    ['iv', -3],
  ])('refuses a value whose %s was tampered with', (_part, fromEnd) => {
    const tampered = withPart(cipher.encrypt(refreshToken, userAda), fromEnd, flipFirstByte);
    expect(decryptionError(() => cipher.decrypt(tampered, userAda)).reason).toBe('AUTHENTICATION_FAILED');
  });

  it('refuses a value whose key id was switched to another configured key', () => {
    const both = new TokenCipher([newKey, oldKey]);
    const value = both.encrypt(refreshToken, userAda);
    const relabelled = value.replace('v1.2026.03.', 'v1.2025-11.') as EncryptedValue;
    expect(decryptionError(() => both.decrypt(relabelled, userAda)).reason).toBe('AUTHENTICATION_FAILED');
  });

  it('refuses a value written under a key id it does not know, naming the id only', () => {
    const value = new TokenCipher([newKey]).encrypt(refreshToken, userAda);
    const error = decryptionError(() => cipher.decrypt(value, userAda));
    expect(error.reason).toBe('UNKNOWN_KEY');
    expect(error.keyId).toBe('2026.03');
    expect(error.message).toContain('2026.03');
  });

  it.each([
    ['an empty string', ''],
    ['plain text', 'not-encrypted-at-all'],
    ['another version', 'v2.2025-11.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA'],
    ['a short IV', 'v1.2025-11.AAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA'],
    ['a short tag', 'v1.2025-11.AAAAAAAAAAAAAAAA.AAAA.AAAA'],
    ['non-base64url parts', 'v1.2025-11.AAAAAAAAAAAAAAAA.AA+/.AAAAAAAAAAAAAAAAAAAAAA'],
    ['a missing part', 'v1.2025-11.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA'],
  ])('refuses a malformed value: %s', (_name, value) => {
    expect(decryptionError(() => cipher.decrypt(value as EncryptedValue, userAda)).reason).toBe('MALFORMED');
  });

  it('refuses a value of the wrong type without a TypeError', () => {
    decryptionError(() => cipher.decrypt({ v: 1 } as unknown as EncryptedValue, userAda));
  });

  it('puts neither plaintext, associated data nor key material in its error messages', () => {
    const value = cipher.encrypt(refreshToken, userAda);
    const errors = [
      decryptionError(() => cipher.decrypt(value, 'credential.refreshToken:1002')),
      decryptionError(() => cipher.decrypt(withPart(value, -1, flipFirstByte), userAda)),
      decryptionError(() => new TokenCipher([newKey]).decrypt(value, userAda)),
      decryptionError(() => cipher.decrypt('garbage' as EncryptedValue, userAda)),
    ];
    for (const error of errors) {
      const text = `${error.message} ${error.stack ?? ''} ${JSON.stringify(error)}`;
      expect(text).not.toContain('refresh-token');
      expect(text).not.toContain('1001');
      expect(text).not.toContain(oldKey.key.toString('base64'));
      expect(text).not.toContain(oldKey.key.toString('hex'));
    }
  });

  describe('key rotation', () => {
    it('still reads values written under the old key once a new key is put first', () => {
      const written = new TokenCipher([oldKey]).encrypt(refreshToken, userAda);
      const rotated = new TokenCipher([newKey, oldKey]);
      expect(rotated.decrypt(written, userAda)).toBe(refreshToken);
    });

    it('writes new values under the new key, which the old keyring cannot read', () => {
      const rotated = new TokenCipher([newKey, oldKey]);
      const value = rotated.encrypt(refreshToken, userAda);
      expect(value.startsWith('v1.2026.03.')).toBe(true);
      expect(rotated.currentKeyId).toBe('2026.03');
      expect(decryptionError(() => new TokenCipher([oldKey]).decrypt(value, userAda)).reason).toBe(
        'UNKNOWN_KEY',
      );
    });
  });

  describe('keyring', () => {
    it('cannot be empty', () => {
      expect(() => new TokenCipher([])).toThrow('at least one encryption key');
    });

    it('rejects a key that is not 32 bytes, without printing it', () => {
      const short = { id: 'short', key: Buffer.alloc(31, 0x41) };
      expect(() => new TokenCipher([short])).toThrow('must be 32 bytes, got 31');
      expect(() => new TokenCipher([short])).not.toThrow(short.key.toString('base64'));
    });

    it('rejects a key id used twice or one that cannot be stored beside a value', () => {
      expect(() => new TokenCipher([oldKey, { ...newKey, id: oldKey.id }])).toThrow('appears twice');
      expect(() => new TokenCipher([{ ...oldKey, id: 'has space' }])).toThrow('key id');
      expect(() => new TokenCipher([{ ...oldKey, id: '' }])).toThrow('key id');
    });

    it('generates random 32-byte keys that it accepts', () => {
      const a = TokenCipher.generateKey('local');
      const b = TokenCipher.generateKey('local');
      expect(a.id).toBe('local');
      expect(a.key).toHaveLength(32);
      expect(a.key.equals(b.key)).toBe(false);
      const local = new TokenCipher([a]);
      expect(local.decrypt(local.encrypt(refreshToken, userAda), userAda)).toBe(refreshToken);
    });
  });
});
