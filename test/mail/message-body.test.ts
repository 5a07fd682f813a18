import { attachmentBytes, readMessageBody } from '../../src/mail/message-body';
import { leaf, multipart, payload } from './gmail-payload';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe('readMessageBody', () => {
  it('reads a single-part text/plain message', () => {
    expect(readMessageBody(payload(leaf('text/plain', 'Hello, world')))).toEqual({
      text: 'Hello, world',
      unsafeHtml: null,
      attachments: [],
    });
  });

  it('reads a single-part text/html message', () => {
    const body = readMessageBody(payload(leaf('text/html', '<p>Hello</p>', { params: 'charset="UTF-8"' })));
    expect(body).toEqual({ text: null, unsafeHtml: '<p>Hello</p>', attachments: [] });
  });

  it('keeps both alternatives of multipart/alternative and takes the HTML from the preferred last one', () => {
    const body = readMessageBody(
      payload(
        multipart('alternative', [leaf('text/plain', 'Plain version'), leaf('text/html', '<b>Rich</b>')]),
      ),
    );
    expect(body.text).toBe('Plain version');
    expect(body.unsafeHtml).toBe('<b>Rich</b>');
  });

  it('prefers the HTML of an alternative even when the text comes last', () => {
    const body = readMessageBody(
      payload(multipart('alternative', [leaf('text/html', '<b>Rich</b>'), leaf('text/plain', 'Plain')])),
    );
    expect(body).toMatchObject({ text: 'Plain', unsafeHtml: '<b>Rich</b>' });
  });

  it('reads mixed > alternative > related: the HTML, its inline image and a large attachment to fetch', () => {
    const message = payload(
      multipart('mixed', [
        multipart('alternative', [
          leaf('text/plain', 'See the logo'),
          multipart('related', [
            leaf('text/html', '<img src="cid:logo@example.com">'),
            leaf('image/png', PNG, {
              contentId: 'logo@example.com',
              filename: 'logo.png',
              disposition: 'inline',
            }),
          ]),
        ]),
        leaf('application/pdf', Buffer.alloc(5_000_000), {
          filename: 'report.pdf',
          disposition: 'attachment; filename="report.pdf"',
          attachmentId: 'ANGjdJ_big',
        }),
      ]),
    );
    const body = readMessageBody(message);
    expect(body.text).toBe('See the logo');
    expect(body.unsafeHtml).toBe('<img src="cid:logo@example.com">');
    expect(body.attachments).toEqual([
      {
        partId: '0.1.1',
        attachmentId: null,
        filename: 'logo.png',
        mimeType: 'image/png',
        size: PNG.length,
        contentId: 'logo@example.com',
        disposition: 'inline',
        source: 'payload',
      },
      {
        partId: '1',
        attachmentId: 'ANGjdJ_big',
        filename: 'report.pdf',
        mimeType: 'application/pdf',
        size: 5_000_000,
        contentId: null,
        disposition: 'attachment',
        source: 'attachments.get',
      },
    ]);
    expect(attachmentBytes(message, '0.1.1')).toEqual(PNG);
    expect(attachmentBytes(message, '1')).toBeNull();
    expect(attachmentBytes(message, '9')).toBeNull();
  });

  it('takes the root of multipart/related from its start parameter', () => {
    const body = readMessageBody(
      payload(
        multipart(
          'related',
          [
            leaf('image/gif', 'GIF89a', { contentId: 'img1' }),
            leaf('text/html', '<p>root</p>', { contentId: 'root' }),
          ],
          '; start="<root>"',
        ),
      ),
    );
    expect(body.unsafeHtml).toBe('<p>root</p>');
    expect(body.attachments).toMatchObject([{ partId: '0', contentId: 'img1', disposition: 'inline' }]);
  });

  it('joins the body parts of a multipart/mixed in order and keeps text files as attachments', () => {
    const body = readMessageBody(
      payload(
        multipart('mixed', [
          leaf('text/plain', 'First'),
          leaf('text/plain', 'notes', { filename: 'notes.txt', disposition: 'attachment' }),
          leaf('text/plain', 'log', { disposition: 'attachment; filename="build.log"' }),
          leaf('text/plain', 'Second'),
        ]),
      ),
    );
    expect(body.text).toBe('First\nSecond');
    expect(body.attachments.map((a) => a.filename)).toEqual(['notes.txt', 'build.log']);
  });

  it('decodes ISO-8859-1 and Windows-1252 bodies by the charset of their Content-Type', () => {
    const latin1 = leaf('text/plain', Buffer.from('Caf\xe9 cr\xe8me', 'latin1'), {
      params: 'charset=ISO-8859-1',
    });
    // 0x80 is the euro sign and 0x93/0x94 curly quotes in Windows-1252, control characters in ISO-8859-1.
    const cp1252 = leaf('text/html', Buffer.from([0x93, 0x35, 0x80, 0x94]), {
      params: 'charset="windows-1252"',
    });
    const body = readMessageBody(payload(multipart('alternative', [latin1, cp1252])));
    expect(body.text).toBe('Café crème');
    expect(body.unsafeHtml).toBe('\u201c5€\u201d');
  });

  it('falls back to UTF-8 for an unknown charset', () => {
    const part = leaf('text/plain', 'déjà', { params: 'charset=x-made-up' });
    expect(readMessageBody(payload(part)).text).toBe('déjà');
  });

  it('undoes quoted-printable that Gmail left encoded', () => {
    const qp = 'Caf=C3=A9 au lait, price =3D 2 =E2=82=AC, a long line that was =\r\nsoftly broken';
    const part = leaf('text/plain', qp, { params: 'charset=utf-8', transferEncoding: 'quoted-printable' });
    expect(readMessageBody(payload(part)).text).toBe(
      'Café au lait, price = 2 €, a long line that was softly broken',
    );
  });

  it('leaves a body alone that Gmail already decoded from quoted-printable', () => {
    for (const decoded of ['1+1=2 and x=AB', 'Café =C3 stays', 'a=\nb but then a bare = sign']) {
      const part = leaf('text/plain', decoded, { transferEncoding: 'quoted-printable' });
      expect(readMessageBody(payload(part)).text).toBe(decoded);
    }
  });

  it('decodes quoted-printable in a Latin-1 body', () => {
    const part = leaf('text/plain', 'Gr=FC=DFe', {
      params: 'charset=iso-8859-1',
      transferEncoding: 'Quoted-Printable',
    });
    expect(readMessageBody(payload(part)).text).toBe('Grüße');
  });

  it('unwraps format=flowed text', () => {
    const part = leaf('text/plain', 'This line was \r\nwrapped.\r\nNew line.', {
      params: 'charset=utf-8; format=flowed',
    });
    expect(readMessageBody(payload(part)).text).toBe('This line was wrapped.\nNew line.');
  });

  it('names attachments from Content-Type or, failing that, from their part and type', () => {
    const body = readMessageBody(
      payload(
        multipart('mixed', [
          leaf('text/plain', 'Body'),
          leaf('application/pdf', '%PDF', { params: 'name="=?UTF-8?B?UmVjaHTDqQ==?=.pdf"' }),
          leaf('image/jpeg', 'JFIF', { attachmentId: 'att-2' }),
        ]),
      ),
    );
    expect(body.attachments.map((a) => [a.filename, a.source])).toEqual([
      ['Rechté.pdf', 'payload'],
      ['part-2.jpeg', 'attachments.get'],
    ]);
  });

  it('answers empty bodies for a missing payload or an empty multipart', () => {
    expect(readMessageBody(undefined)).toEqual({ text: null, unsafeHtml: null, attachments: [] });
    expect(readMessageBody(payload(multipart('mixed', [])))).toEqual({
      text: null,
      unsafeHtml: null,
      attachments: [],
    });
  });

  it('stops descending into absurdly deep trees instead of overflowing the stack', () => {
    let part = leaf('text/plain', 'deep');
    for (let i = 0; i < 10_000; i++) part = multipart('mixed', [part]);
    expect(readMessageBody(part)).toEqual({ text: null, unsafeHtml: null, attachments: [] });
  });
});
