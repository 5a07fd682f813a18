import { escapeHtml } from './escape';
import { MIME_BOUNDARY_PREFIX, type StoredMessage } from './message';

/** The parts every generated message has, in Gmail's order: a multipart/alternative of text and HTML. */
function parts(message: StoredMessage): Array<{ mimeType: string; content: string }> {
  return [
    { mimeType: 'text/plain', content: message.textBody },
    { mimeType: 'text/html', content: htmlOf(message.textBody) },
  ];
}

/** The HTML alternative of a text body: one paragraph per blank-line-separated block. */
function htmlOf(text: string): string {
  const paragraphs = text.trim().split(/\n{2,}/);
  return `<div dir="ltr">${paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('')}</div>\n`;
}

function boundaryOf(messageId: string): string {
  return MIME_BOUNDARY_PREFIX + messageId.slice(-12).padStart(12, '0');
}

/** The top-level Content-Type header (its value names the boundary of the raw form). */
export function contentTypeHeader(messageId: string): string {
  return `multipart/alternative; boundary="${boundaryOf(messageId)}"`;
}

const isAscii = (text: string): boolean => /^[\x20-\x7e\r\n\t]*$/.test(text);

/** RFC 2047 encoded-word for header values that are not plain ASCII. */
function encodeHeaderValue(value: string): string {
  return isAscii(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

function wrapBase64(content: string): string {
  return (
    Buffer.from(content, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');
}

/** The message in RFC 5322 form, as `format=raw` returns it (before base64url). */
export function buildRawMessage(message: StoredMessage): string {
  const lines = message.headers.map(({ name, value }) => `${name}: ${encodeHeaderValue(value)}`);
  const separator = boundaryOf(message.id);
  const body = parts(message).flatMap(({ mimeType, content }) => {
    const ascii = isAscii(content);
    return [
      `--${separator}`,
      `Content-Type: ${mimeType}; charset="UTF-8"`,
      ...(ascii ? [] : ['Content-Transfer-Encoding: base64']),
      '',
      ascii ? content.replace(/\r?\n/g, '\r\n') : wrapBase64(content),
      '',
    ];
  });
  return [...lines, '', ...body, `--${separator}--`, ''].join('\r\n');
}

/** The `payload` of a `format=full` message, with each part's content in base64url like Gmail's. */
export function fullPayload(message: StoredMessage): object {
  return {
    partId: '',
    mimeType: 'multipart/alternative',
    filename: '',
    headers: message.headers,
    body: { size: 0 },
    parts: parts(message).map(({ mimeType, content }, index) => {
      const bytes = Buffer.from(content, 'utf8');
      return {
        partId: String(index),
        mimeType,
        filename: '',
        headers: [{ name: 'Content-Type', value: `${mimeType}; charset="UTF-8"` }],
        body: { size: bytes.length, data: bytes.toString('base64url') },
      };
    }),
  };
}
