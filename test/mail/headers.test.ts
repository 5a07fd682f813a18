import {
  contentIdOf,
  decodedHeader,
  decodeEncodedWords,
  headerValue,
  parseStructuredHeader,
} from '../../src/mail/headers';

const headers = [
  { name: 'Received', value: 'from a' },
  { name: 'subject', value: '=?UTF-8?B?SGVsbG8gd8O2cmxk?=' },
  { name: 'Received', value: 'from b' },
  { name: 'Content-ID', value: ' <logo@example.com> ' },
];

describe('headerValue', () => {
  it('reads the first header of a name, whatever its case', () => {
    expect(headerValue(headers, 'RECEIVED')).toBe('from a');
    expect(headerValue(headers, 'Subject')).toBe('=?UTF-8?B?SGVsbG8gd8O2cmxk?=');
  });

  it('answers null for an absent header or no headers at all', () => {
    expect(headerValue(headers, 'Cc')).toBeNull();
    expect(headerValue(undefined, 'Cc')).toBeNull();
  });

  it('decodes the encoded words of a header on request', () => {
    expect(decodedHeader(headers, 'subject')).toBe('Hello wörld');
    expect(decodedHeader(headers, 'Cc')).toBeNull();
  });
});

describe('decodeEncodedWords', () => {
  it.each([
    ['a UTF-8 B word', '=?UTF-8?B?w6lsw6h2ZQ==?=', 'élève'],
    ['an ISO-8859-1 Q word', '=?ISO-8859-1?Q?Caf=E9_cr=E8me?=', 'Café crème'],
    ['a Windows-1252 Q word', '=?windows-1252?Q?=93quoted=94?=', '\u201cquoted\u201d'],
    [
      'adjacent words, the space between them dropped',
      '=?UTF-8?Q?Hello_?= =?UTF-8?Q?w=C3=B6rld?=',
      'Hello wörld',
    ],
    ['words among plain text', 'Re: =?UTF-8?B?w6k=?= done', 'Re: é done'],
  ])('decodes %s', (_name, encoded, decoded) => {
    expect(decodeEncodedWords(encoded)).toBe(decoded);
  });

  it('leaves text that Gmail already decoded as it is, so decoding twice is harmless', () => {
    for (const text of ['Café crème', 'Price =? unknown', '50% off = great', 'a?=b =?x']) {
      expect(decodeEncodedWords(text)).toBe(text);
    }
    const once = decodeEncodedWords('=?ISO-8859-1?Q?Caf=E9?=');
    expect(decodeEncodedWords(once)).toBe(once);
  });
});

describe('parseStructuredHeader', () => {
  it('splits a Content-Type into its lower-cased type and parameters', () => {
    expect(parseStructuredHeader('Text/HTML; CHARSET="ISO-8859-1"; format=flowed')).toEqual({
      value: 'text/html',
      params: { charset: 'ISO-8859-1', format: 'flowed' },
    });
  });

  it('joins RFC 2231 continuations and decodes encoded filenames', () => {
    const header = "attachment; filename*0*=utf-8''R%C3%A9sum; filename*1*=%C3%A9.pdf";
    expect(parseStructuredHeader(header).params['filename']).toBe('Résumé.pdf');
    expect(
      parseStructuredHeader('attachment; filename="=?UTF-8?Q?r=C3=A9sum=C3=A9.pdf?="').params['filename'],
    ).toBe('résumé.pdf');
  });

  it('answers an empty value for a missing header', () => {
    expect(parseStructuredHeader(null)).toEqual({ value: '', params: {} });
  });
});

describe('contentIdOf', () => {
  it('strips the angle brackets of a Content-ID', () => {
    expect(contentIdOf(headers)).toBe('logo@example.com');
  });

  it('falls back to X-Attachment-Id and answers null when neither is there', () => {
    expect(contentIdOf([{ name: 'X-Attachment-Id', value: 'ii_123' }])).toBe('ii_123');
    expect(contentIdOf([{ name: 'Content-ID', value: '<>' }])).toBeNull();
    expect(contentIdOf([])).toBeNull();
  });
});
