import type { gmail_v1 } from 'googleapis';
import libmime from 'libmime';
import { decode as decodeCharset } from 'libmime/lib/charset';
import libqp from 'libqp';
import { headerValue, parseStructuredHeader } from './headers';

/**
 * Turning one Gmail `format=full` part into bytes and text. Charsets go through libmime's decoder (iconv-lite
 * plus encoding-japanese) rather than TextDecoder: TextDecoder knows windows-1252 and ISO-8859-x only on a Node
 * built with full ICU, iconv-lite knows them everywhere, and an unknown charset falls back to UTF-8 instead of
 * throwing. Quoted-printable goes through libqp, from the same maintainers.
 */

type Part = gmail_v1.Schema$MessagePart;

/** The bytes of a part's `body.data` (base64url, as Gmail sends it; plain base64 is accepted too). */
export function decodeBase64Url(data: string | null | undefined): Buffer {
  return data ? Buffer.from(data, 'base64url') : Buffer.alloc(0);
}

/** The part's MIME type, lower-cased, from Gmail's `mimeType` or else its Content-Type header. */
export function mimeTypeOf(part: Part): string {
  const declared = part.mimeType?.trim().toLowerCase();
  if (declared) return declared;
  return parseStructuredHeader(headerValue(part.headers, 'Content-Type')).value || 'application/octet-stream';
}

/**
 * Whether bytes still read as quoted-printable. Gmail decodes the transfer encoding in `format=full` but keeps
 * the `Content-Transfer-Encoding: quoted-printable` header, so the header alone cannot say; decoding decoded
 * text a second time would eat every `=` followed by two hex digits. Real QP is 7-bit, keeps lines to 76
 * characters and writes every literal `=` as `=3D`, so text is taken as still encoded only when it is ASCII,
 * has no line over 78 characters (a little slack for careless encoders) and every `=` starts a soft line
 * break or a hex escape, at least one of them being there.
 */
export function looksQuotedPrintable(bytes: Buffer): boolean {
  let sawEscape = false;
  let lineLength = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte > 0x7e) return false;
    if (byte === 0x0a) {
      lineLength = 0;
      continue;
    }
    if (byte !== 0x0d && ++lineLength > 78) return false;
    if (byte !== 0x3d) continue;
    const next = bytes[i + 1];
    const after = bytes[i + 2];
    if (next === undefined || next === 0x0a || (next === 0x0d && after === 0x0a)) {
      sawEscape = true;
    } else if (isUpperHex(next) && after !== undefined && isUpperHex(after)) {
      sawEscape = true;
    } else {
      return false;
    }
  }
  return sawEscape;
}

function isUpperHex(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46);
}

/**
 * The content bytes of a part with its transfer encoding undone: base64url from Gmail, then quoted-printable
 * when the part says so and the bytes still look encoded (see looksQuotedPrintable). Empty when the part keeps
 * its bytes behind an attachmentId.
 */
export function partBytes(part: Part): Buffer {
  const bytes = decodeBase64Url(part.body?.data);
  const transfer = headerValue(part.headers, 'Content-Transfer-Encoding')?.trim().toLowerCase();
  if (transfer === 'quoted-printable' && looksQuotedPrintable(bytes)) {
    return libqp.decode(bytes.toString('latin1'));
  }
  return bytes;
}

/**
 * A text part's content as a string: bytes decoded from the charset its Content-Type names (UTF-8 when none:
 * a superset of the US-ASCII RFC 2045 assumes), `format=flowed` unwrapped. A `<meta charset>` inside HTML is
 * not consulted; Content-Type is what mail clients honour.
 */
export function partText(part: Part): string {
  const contentType = parseStructuredHeader(headerValue(part.headers, 'Content-Type'));
  const charset = contentType.params['charset']?.trim() || 'utf-8';
  const text = decodeCharset(partBytes(part), charset);
  if (contentType.params['format']?.toLowerCase() === 'flowed') {
    return libmime.decodeFlowed(text, contentType.params['delsp']?.toLowerCase() === 'yes');
  }
  return text;
}
