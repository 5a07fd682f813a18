import { randomBytes } from 'node:crypto';
import { AttachmentTokenCodec, ATTACHMENT_TOKEN_TTL_MS } from '../../src/attachments/attachment-token';

const grant = {
  userId: 'u1',
  messageId: '18c0ffee00000001',
  attachmentId: 'ANGjdJ9x',
  partId: '1',
  filename: 'Rapport é.pdf',
  mimeType: 'application/pdf',
  size: 1234,
};
const key = (kid: string) => ({ id: kid, key: randomBytes(32) });

describe('AttachmentTokenCodec', () => {
  let now = 1_000_000;
  const ring = [key('a')];
  const codec = new AttachmentTokenCodec(ring, () => now);

  it('opens what it sealed, with every bound field', () => {
    expect(codec.open(codec.seal(grant))).toEqual(grant);
  });

  it('shows neither ids nor the filename in the token', () => {
    const token = codec.seal(grant);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(token, 'base64url').toString('latin1')).not.toMatch(/u1|18c0ffee|Rapport|pdf/);
  });

  it('refuses a token changed in any character, its last one included (whose spare bits base64url ignores)', () => {
    // Many seals, so that some tokens end in a character whose low bits carry no data: A and B then differ only
    // there, and such a token must still be refused.
    for (let round = 0; round < 64; round++) {
      const token = codec.seal(grant);
      for (const index of [0, 13, token.length - 1]) {
        const flipped = token[index] === 'A' ? 'B' : 'A';
        expect(codec.open(token.slice(0, index) + flipped + token.slice(index + 1))).toBeNull();
      }
    }
  });

  it('refuses a token 5 minutes after it was sealed', () => {
    const token = codec.seal(grant);
    now += ATTACHMENT_TOKEN_TTL_MS - 1;
    expect(codec.open(token)).not.toBeNull();
    now += 1;
    expect(codec.open(token)).toBeNull();
  });

  it('refuses a token sealed under a keyring it does not hold, and accepts one under a kept older key', () => {
    const foreign = new AttachmentTokenCodec([key('x')], () => now);
    expect(codec.open(foreign.seal(grant))).toBeNull();
    const rotated = new AttachmentTokenCodec([key('b'), ...ring], () => now);
    expect(rotated.open(codec.seal(grant))).toEqual(grant);
  });

  it.each(['', 'not a token', 'a'.repeat(9000), 'AAAA'])('refuses %j', (token) => {
    expect(codec.open(token)).toBeNull();
  });
});
