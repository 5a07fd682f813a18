import type { gmail_v1 } from 'googleapis';

/**
 * Builds `format=full` payloads shaped like Gmail's: every part has partId, mimeType, filename, headers and
 * body { size, data? , attachmentId? }, data in base64url; partIds are "" for the root, then "0", "1", "1.0".
 */

type Part = gmail_v1.Schema$MessagePart;

export interface LeafOptions {
  /** The Content-Type header's parameters after the type, e.g. `charset="ISO-8859-1"`. */
  readonly params?: string;
  readonly filename?: string;
  readonly contentId?: string;
  readonly disposition?: string;
  readonly transferEncoding?: string;
  /** Leave the data out and give this attachmentId instead, as Gmail does for large attachments. */
  readonly attachmentId?: string;
}

export function leaf(mimeType: string, content: string | Buffer, options: LeafOptions = {}): Part {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const headers: gmail_v1.Schema$MessagePartHeader[] = [
    { name: 'Content-Type', value: options.params ? `${mimeType}; ${options.params}` : mimeType },
  ];
  if (options.transferEncoding)
    headers.push({ name: 'Content-Transfer-Encoding', value: options.transferEncoding });
  if (options.disposition) headers.push({ name: 'Content-Disposition', value: options.disposition });
  if (options.contentId) headers.push({ name: 'Content-ID', value: `<${options.contentId}>` });
  return {
    mimeType,
    filename: options.filename ?? '',
    headers,
    body: options.attachmentId
      ? { size: bytes.length, attachmentId: options.attachmentId }
      : { size: bytes.length, data: bytes.toString('base64url') },
  };
}

export function multipart(subtype: string, parts: Part[], params = ''): Part {
  const boundary = `b-${subtype}`;
  return {
    mimeType: `multipart/${subtype}`,
    filename: '',
    headers: [{ name: 'Content-Type', value: `multipart/${subtype}; boundary="${boundary}"${params}` }],
    body: { size: 0 },
    parts,
  };
}

/** Numbers the parts as Gmail does and returns the root, ready to be a message's `payload`. */
export function payload(root: Part): Part {
  const number = (part: Part, partId: string): Part => ({
    ...part,
    partId,
    ...(part.parts
      ? { parts: part.parts.map((child, i) => number(child, partId === '' ? String(i) : `${partId}.${i}`)) }
      : {}),
  });
  return number(root, '');
}
