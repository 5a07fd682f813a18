import { decodeBase64Url, looksQuotedPrintable, mimeTypeOf, partText } from '../../src/mail/mime-parts';

const ascii = (text: string) => Buffer.from(text, 'utf8');

describe('decodeBase64Url', () => {
  it('reads Gmail base64url and plain base64 alike', () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xbf, 0x00]);
    expect(decodeBase64Url(bytes.toString('base64url'))).toEqual(bytes);
    expect(decodeBase64Url(bytes.toString('base64'))).toEqual(bytes);
    expect(decodeBase64Url(undefined)).toEqual(Buffer.alloc(0));
  });
});

describe('looksQuotedPrintable', () => {
  it.each([
    ['hex escapes', 'Caf=C3=A9', true],
    ['a soft line break', 'long line =\r\ncontinued', true],
    ['a soft break with a bare newline', 'long line =\ncontinued', true],
    ['a trailing soft break', 'end=', true],
    ['no equals sign at all', 'plain text', false],
    ['a bare equals sign', '1+1=2', false],
    ['lower-case hex, which QP never writes', 'x=ab', false],
    ['8-bit bytes', 'Café=C3', false],
    ['a line too long for QP', `${'a'.repeat(80)}=3D`, false],
  ])('with %s: %s', (_name, text, expected) => {
    expect(looksQuotedPrintable(ascii(text))).toBe(expected);
  });
});

describe('mimeTypeOf and partText', () => {
  it('reads the type from mimeType, else from Content-Type', () => {
    expect(mimeTypeOf({ mimeType: 'Text/Plain' })).toBe('text/plain');
    expect(mimeTypeOf({ headers: [{ name: 'content-type', value: 'image/png; name=a.png' }] })).toBe(
      'image/png',
    );
    expect(mimeTypeOf({})).toBe('application/octet-stream');
  });

  it('decodes UTF-8 when the part names no charset', () => {
    expect(partText({ mimeType: 'text/plain', body: { data: ascii('naïve').toString('base64url') } })).toBe(
      'naïve',
    );
  });
});
