import { createHash } from 'node:crypto';
import { escapeHtml } from './escape';
import { MIME_BOUNDARY_PREFIX, type StoredMessage } from './message';

/** A MIME tree as the emulator keeps it: multiparts of leaves whose bytes are already in their charset. */
export type MimeNode = MimeMultipart | MimeLeaf;

export interface MimeMultipart {
  readonly kind: 'multipart';
  readonly subtype: 'alternative' | 'mixed' | 'related';
  readonly parts: readonly MimeNode[];
}

export interface MimeLeaf {
  readonly kind: 'leaf';
  /** e.g. `'text/plain'`, `'image/png'`. */
  readonly mimeType: string;
  /** Text parts only, e.g. `'UTF-8'`, `'ISO-8859-1'`, `'windows-1252'`. */
  readonly charset?: string;
  /** How the raw form carries the bytes; Gmail's `format=full` gives them decoded whatever it is. */
  readonly encoding: '7bit' | 'quoted-printable' | 'base64';
  readonly bytes: Buffer;
  readonly filename?: string;
  /** Without angle brackets; the HTML refers to it as `cid:<contentId>`. */
  readonly contentId?: string;
  readonly disposition?: 'attachment' | 'inline';
}

/**
 * Parts up to this size keep their bytes in `body.data`; larger ones with a filename come only as an
 * `attachmentId` for messages.attachments.get, like Gmail's.
 */
export const INLINE_ATTACHMENT_LIMIT = 4096;

/** The plain alternative of a text body (mime.ts's default for generated mail). */
export function alternativeOf(text: string, html = htmlOf(text)): MimeMultipart {
  return {
    kind: 'multipart',
    subtype: 'alternative',
    parts: [textLeaf('text/plain', text), textLeaf('text/html', html)],
  };
}

/** A text part: bytes in `charset`, base64 when not ASCII unless another encoding is asked for. */
export function textLeaf(
  mimeType: string,
  text: string,
  options: { charset?: string; encoding?: MimeLeaf['encoding'] } = {},
): MimeLeaf {
  const charset = options.charset ?? 'UTF-8';
  const bytes = encodeCharset(text, charset);
  const encoding = options.encoding ?? (isAsciiBytes(bytes) ? '7bit' : 'base64');
  return { kind: 'leaf', mimeType, charset, encoding, bytes };
}

/** The HTML alternative of a text body: one paragraph per blank-line-separated block. */
export function htmlOf(text: string): string {
  const paragraphs = text.trim().split(/\n{2,}/);
  return `<div dir="ltr">${paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('')}</div>\n`;
}

/** Windows-1252's characters in 0x80-0x9F that are not Latin-1's. */
const CP1252: Readonly<Record<string, number>> = {
  '€': 0x80,
  '‚': 0x82,
  '„': 0x84,
  '…': 0x85,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '•': 0x95,
  '–': 0x96,
  '—': 0x97,
  '™': 0x99,
  œ: 0x9c,
  Œ: 0x8c,
};

/** True when every character of `text` exists in `charset` (UTF-8 always). */
export function encodable(text: string, charset: string): boolean {
  const name = charset.toLowerCase();
  if (name === 'utf-8') return true;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code > 0xff && !(name === 'windows-1252' && char in CP1252)) return false;
    if (name === 'windows-1252' && code >= 0x80 && code <= 0x9f) return false;
  }
  return true;
}

function encodeCharset(text: string, charset: string): Buffer {
  const name = charset.toLowerCase();
  if (name === 'utf-8') return Buffer.from(text, 'utf8');
  if (!encodable(text, charset)) throw new Error(`text not encodable in ${charset}`);
  return Buffer.from([...text].map((char) => CP1252[char] ?? char.codePointAt(0)!));
}

const isAsciiBytes = (bytes: Buffer): boolean =>
  bytes.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
const isAscii = (text: string): boolean => /^[\x20-\x7e\r\n\t]*$/.test(text);

/** RFC 2047 encoded-word for header values that are not plain ASCII. */
export function encodeHeaderValue(value: string): string {
  return isAscii(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

function boundaryOf(messageId: string, partId: string): string {
  const tag = partId === '' ? '' : `_${partId.replace(/\./g, '_')}`;
  return MIME_BOUNDARY_PREFIX + messageId.slice(-12).padStart(12, '0') + tag;
}

/** The Content-Type header of the part at `partId` ('' is the message itself); multiparts name their boundary. */
export function contentTypeOf(node: MimeNode, messageId: string, partId = ''): string {
  if (node.kind === 'multipart')
    return `multipart/${node.subtype}; boundary="${boundaryOf(messageId, partId)}"`;
  if (node.charset !== undefined) return `${node.mimeType}; charset="${node.charset}"`;
  return node.filename !== undefined ? `${node.mimeType}; name="${node.filename}"` : node.mimeType;
}

/** The top-level Content-Type header of a plain generated message (multipart/alternative). */
export function contentTypeHeader(messageId: string): string {
  return contentTypeOf(alternativeOf(''), messageId);
}

function leafHeaders(
  leaf: MimeLeaf,
  messageId: string,
  partId: string,
): Array<{ name: string; value: string }> {
  const headers = [{ name: 'Content-Type', value: contentTypeOf(leaf, messageId, partId) }];
  if (leaf.filename !== undefined) {
    const disposition = leaf.disposition ?? 'attachment';
    headers.push({ name: 'Content-Disposition', value: `${disposition}; filename="${leaf.filename}"` });
  }
  if (leaf.encoding !== '7bit') headers.push({ name: 'Content-Transfer-Encoding', value: leaf.encoding });
  if (leaf.contentId !== undefined) {
    headers.push({ name: 'Content-ID', value: `<${leaf.contentId}>` });
    headers.push({ name: 'X-Attachment-Id', value: leaf.contentId.split('@')[0] ?? leaf.contentId });
  }
  return headers;
}

/** Gmail's part ids: '' for the message, then '0', '1', … and '0.0', '0.1', … below. */
const childId = (partId: string, index: number): string =>
  partId === '' ? String(index) : `${partId}.${index}`;

/** A leaf that Gmail serves only by attachmentId. */
const servedByAttachmentId = (leaf: MimeLeaf): boolean =>
  leaf.filename !== undefined && leaf.bytes.length > INLINE_ATTACHMENT_LIMIT;

/**
 * Gmail-style attachment id: long and opaque (Gmail's run to hundreds of characters). Derived from the message
 * and part, so the same part keeps its id for the mailbox's life (Gmail's may change between fetches).
 */
export function attachmentIdOf(messageId: string, partId: string): string {
  const chunk = (n: number): string =>
    createHash('sha256').update(`${messageId}\u0000${partId}\u0000${n}`).digest('base64url');
  return `ANGjdJ${chunk(0)}${chunk(1)}${chunk(2)}${chunk(3)}`;
}

/** Every part served by attachmentId, with its id. */
export function attachmentsOf(message: StoredMessage): Array<{ id: string; partId: string; leaf: MimeLeaf }> {
  const found: Array<{ id: string; partId: string; leaf: MimeLeaf }> = [];
  const walk = (node: MimeNode, partId: string): void => {
    if (node.kind === 'multipart') node.parts.forEach((child, i) => walk(child, childId(partId, i)));
    else if (servedByAttachmentId(node))
      found.push({ id: attachmentIdOf(message.id, partId), partId, leaf: node });
  };
  walk(message.mime, '');
  return found;
}

/** True when a part is a real attachment (what `has:attachment` finds); inline `cid:` images are not. */
export function hasAttachment(node: MimeNode): boolean {
  return node.kind === 'multipart'
    ? node.parts.some(hasAttachment)
    : node.filename !== undefined && node.disposition !== 'inline';
}

/** The `payload` of a `format=full` message, with each part's content in base64url like Gmail's. */
export function fullPayload(message: StoredMessage): object {
  const part = (node: MimeNode, partId: string): object => {
    const headers =
      partId === ''
        ? message.headers
        : node.kind === 'leaf'
          ? leafHeaders(node, message.id, partId)
          : [{ name: 'Content-Type', value: contentTypeOf(node, message.id, partId) }];
    const mimeType = node.kind === 'multipart' ? `multipart/${node.subtype}` : node.mimeType;
    const filename = node.kind === 'leaf' ? (node.filename ?? '') : '';
    if (node.kind === 'multipart') {
      return {
        partId,
        mimeType,
        filename,
        headers,
        body: { size: 0 },
        parts: node.parts.map((child, i) => part(child, childId(partId, i))),
      };
    }
    const body = servedByAttachmentId(node)
      ? { attachmentId: attachmentIdOf(message.id, partId), size: node.bytes.length }
      : { size: node.bytes.length, data: node.bytes.toString('base64url') };
    return { partId, mimeType, filename, headers, body };
  };
  return part(message.mime, '');
}

/** The message in RFC 5322 form, as `format=raw` returns it (before base64url). */
export function buildRawMessage(message: StoredMessage): string {
  const lines = message.headers.map(({ name, value }) => `${name}: ${encodeHeaderValue(value)}`);
  return [...lines, '', ...rawBody(message.mime, message.id, '')].join('\r\n');
}

function rawBody(node: MimeNode, messageId: string, partId: string): string[] {
  if (node.kind === 'leaf') return [encodeBody(node), ''];
  const separator = boundaryOf(messageId, partId);
  const parts = node.parts.flatMap((child, i) => {
    const id = childId(partId, i);
    const headers =
      child.kind === 'leaf'
        ? leafHeaders(child, messageId, id)
        : [{ name: 'Content-Type', value: contentTypeOf(child, messageId, id) }];
    return [
      `--${separator}`,
      ...headers.map((h) => `${h.name}: ${h.value}`),
      '',
      ...rawBody(child, messageId, id),
    ];
  });
  return [...parts, `--${separator}--`, ''];
}

function encodeBody(leaf: MimeLeaf): string {
  switch (leaf.encoding) {
    case '7bit':
      return leaf.bytes.toString('latin1').replace(/\r?\n/g, '\r\n');
    case 'base64':
      return (leaf.bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
    case 'quoted-printable':
      return quotedPrintable(leaf.bytes);
  }
}

/** RFC 2045 quoted-printable, lines kept, soft breaks before 76 characters. */
export function quotedPrintable(bytes: Buffer): string {
  const lines = bytes.toString('latin1').split(/\r?\n/);
  return lines
    .map((line) => {
      let encoded = '';
      for (let i = 0; i < line.length; i++) {
        const code = line.charCodeAt(i);
        const last = i === line.length - 1;
        const literal = (code >= 33 && code <= 126 && code !== 61) || ((code === 32 || code === 9) && !last);
        encoded += literal ? line[i] : `=${code.toString(16).toUpperCase().padStart(2, '0')}`;
      }
      const wrapped: string[] = [];
      while (encoded.length > 75) {
        let cut = 75;
        // Never split an =XX escape.
        const escape = encoded.lastIndexOf('=', cut - 1);
        if (escape > cut - 3) cut = escape;
        wrapped.push(`${encoded.slice(0, cut)}=`);
        encoded = encoded.slice(cut);
      }
      return [...wrapped, encoded].join('\r\n');
    })
    .join('\r\n');
}

/** Roughly the raw message's size, like Gmail's sizeEstimate. */
export function estimateSize(message: Pick<StoredMessage, 'headers' | 'mime'>): number {
  const headerBytes = message.headers.reduce(
    (sum, h) => sum + h.name.length + Buffer.byteLength(h.value) + 4,
    0,
  );
  const bodyBytes = (node: MimeNode): number =>
    node.kind === 'multipart'
      ? node.parts.reduce((sum, child) => sum + bodyBytes(child) + 120, 60)
      : leafSize(node);
  return headerBytes + bodyBytes(message.mime);
}

function leafSize(leaf: MimeLeaf): number {
  if (leaf.encoding === 'base64') return Math.round(Math.ceil(leaf.bytes.length / 3) * 4 * (78 / 76));
  return Math.round(leaf.bytes.length * (leaf.encoding === 'quoted-printable' ? 1.1 : 1));
}
