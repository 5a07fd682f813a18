import { createHash, randomBytes } from 'node:crypto';
import {
  AuthorizationStateCodec,
  newSignInSecrets,
  requestSecretMatches,
  type AuthorizationStateContents,
} from '../../src/auth/authorization-state';
import { TokenCipher } from '../../src/credentials/token-cipher';

const now = new Date('2026-12-01T10:00:00.000Z');
const old = TokenCipher.generateKey('old');
const current = TokenCipher.generateKey('new');

function contents(overrides: Partial<AuthorizationStateContents> = {}): AuthorizationStateContents {
  const secrets = newSignInSecrets(randomBytes);
  return {
    expiresAt: new Date(now.getTime() + 10 * 60_000),
    loginHint: 'ada.lovelace@example.com',
    codeVerifier: secrets.codeVerifier,
    requestSecretHash: secrets.requestSecretHash,
    ...overrides,
  };
}

describe('AuthorizationStateCodec', () => {
  it('opens what it sealed, with the login hint, the verifier and the secret hash', () => {
    const codec = new AuthorizationStateCodec([current], randomBytes);
    const sealed = contents();
    expect(codec.open(codec.seal(sealed), now)).toEqual(sealed);
    const withoutHint = contents({ loginHint: null });
    expect(codec.open(codec.seal(withoutHint), now)).toEqual(withoutHint);
    const unicode = contents({ loginHint: 'zoë.ñ@exämple.com' });
    expect(codec.open(codec.seal(unicode), now)).toEqual(unicode);
  });

  it('shows neither the verifier, the login hint nor the secret hash in the state', () => {
    const codec = new AuthorizationStateCodec([current], randomBytes);
    const sealed = contents();
    const state = codec.seal(sealed);
    const decoded = Buffer.from(state, 'base64url');
    expect(state).not.toContain(sealed.codeVerifier);
    expect(decoded.includes(Buffer.from(sealed.loginHint!))).toBe(false);
    expect(decoded.includes(sealed.requestSecretHash)).toBe(false);
    expect(decoded.includes(Buffer.from(sealed.codeVerifier, 'base64url'))).toBe(false);
  });

  it('refuses a state at or after its expiry', () => {
    const codec = new AuthorizationStateCodec([current], randomBytes);
    const state = codec.seal(contents());
    expect(codec.open(state, new Date(now.getTime() + 10 * 60_000 - 1))).not.toBeNull();
    expect(codec.open(state, new Date(now.getTime() + 10 * 60_000))).toBeNull();
  });

  it('refuses every single-bit change and every truncation', () => {
    const codec = new AuthorizationStateCodec([current], randomBytes);
    const bytes = Buffer.from(codec.seal(contents()), 'base64url');
    for (let i = 0; i < bytes.length; i += 1) {
      const flipped = Buffer.from(bytes);
      flipped[i] = flipped[i]! ^ 0x01;
      expect(codec.open(flipped.toString('base64url'), now)).toBeNull();
      expect(codec.open(bytes.subarray(0, i).toString('base64url'), now)).toBeNull();
    }
    for (const junk of ['', 'not a state', '***', 'A'.repeat(300)]) expect(codec.open(junk, now)).toBeNull();
  });

  it('opens a state only in its canonical spelling, so one state cannot be used twice under two spellings', () => {
    const codec = new AuthorizationStateCodec([current], randomBytes);
    const state = codec.seal(contents());
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const opening = [...alphabet].filter((last) => codec.open(state.slice(0, -1) + last, now) !== null);
    expect(opening).toEqual([state.at(-1)]);
  });

  it('keeps states sealed before a rotation working while the old key is kept, and ends them when it goes', () => {
    const before = new AuthorizationStateCodec([old], randomBytes);
    const sealed = contents();
    const state = before.seal(sealed);
    expect(new AuthorizationStateCodec([current, old], randomBytes).open(state, now)).toEqual(sealed);
    expect(new AuthorizationStateCodec([current], randomBytes).open(state, now)).toBeNull();
    // A state sealed after the rotation opens on every instance whose keyring holds the new key, first or not.
    const after = new AuthorizationStateCodec([current, old], randomBytes).seal(sealed);
    expect(new AuthorizationStateCodec([old, current], randomBytes).open(after, now)).toEqual(sealed);
  });

  it('uses a key of its own: a token cipher value under the same keyring never opens as a state', () => {
    const codec = new AuthorizationStateCodec([current], randomBytes);
    const value = new TokenCipher([current]).encrypt('x'.repeat(80), 'anything');
    const [, , iv, ciphertext, tag] = value.split('.');
    const spliced = Buffer.concat([
      Buffer.of(1),
      Buffer.from(iv!, 'base64url'),
      Buffer.from(ciphertext!, 'base64url'),
      Buffer.from(tag!, 'base64url'),
    ]).toString('base64url');
    expect(codec.open(spliced, now)).toBeNull();
  });
});

describe('sign-in secrets', () => {
  it('makes a 256-bit request secret and a verifier whose S256 challenge is sent to Google', () => {
    const secrets = newSignInSecrets(randomBytes);
    expect(Buffer.from(secrets.requestSecret, 'base64url')).toHaveLength(32);
    expect(secrets.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secrets.codeChallenge).toBe(createHash('sha256').update(secrets.codeVerifier).digest('base64url'));
    expect(secrets.requestSecretHash).toEqual(createHash('sha256').update(secrets.requestSecret).digest());
  });

  it('matches only the request secret whose hash was sealed', () => {
    const secrets = newSignInSecrets(randomBytes);
    const sealed = contents({ requestSecretHash: secrets.requestSecretHash });
    expect(requestSecretMatches(secrets.requestSecret, sealed)).toBe(true);
    expect(requestSecretMatches(newSignInSecrets(randomBytes).requestSecret, sealed)).toBe(false);
    expect(requestSecretMatches('', sealed)).toBe(false);
    expect(requestSecretMatches('x'.repeat(10_000), sealed)).toBe(false);
  });
});
