import type { gmail_v1 } from 'googleapis';
import libmime from 'libmime';

/**
 * Reading MIME headers out of a Gmail payload. libmime (nodemailer's header codec, also what mailparser uses)
 * does the RFC 2047 and RFC 2231 work: adjacent encoded words joined, a multi-byte character split across two
 * words, charsets through iconv-lite, parameter continuations. Hand-written decoders get those wrong.
 */

type Headers = readonly gmail_v1.Schema$MessagePartHeader[] | null | undefined;

/** The first header called `name` (compared case-insensitively, as RFC 5322 says), raw; null when absent. */
export function headerValue(headers: Headers, name: string): string | null {
  const wanted = name.toLowerCase();
  for (const header of headers ?? []) {
    if (header.name?.toLowerCase() === wanted) return header.value ?? '';
  }
  return null;
}

/**
 * Decodes RFC 2047 encoded words (`=?UTF-8?B?...?=`, `=?ISO-8859-1?Q?...?=`). Gmail usually hands headers over
 * already decoded; text without encoded words comes back unchanged, so calling this twice is harmless.
 * Never throws: a malformed word is left as it was.
 */
export function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value;
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

/** The first header called `name`, with encoded words decoded; null when absent. */
export function decodedHeader(headers: Headers, name: string): string | null {
  const value = headerValue(headers, name);
  return value === null ? null : decodeEncodedWords(value);
}

export interface StructuredHeader {
  /** The value before the first `;`, lower-cased: `text/html`, `attachment`. Empty when the header is empty. */
  readonly value: string;
  /** Parameters by lower-cased name, RFC 2231 continuations joined and encoded words decoded. */
  readonly params: Readonly<Record<string, string>>;
}

/** Splits `text/plain; charset="ISO-8859-1"` (Content-Type, Content-Disposition) into value and parameters. */
export function parseStructuredHeader(value: string | null): StructuredHeader {
  if (value === null || value.trim() === '') return { value: '', params: {} };
  const parsed = libmime.parseHeaderValue(value);
  const params: Record<string, string> = {};
  for (const [key, param] of Object.entries(parsed.params)) {
    params[key.toLowerCase()] = decodeEncodedWords(String(param));
  }
  return { value: parsed.value.trim().toLowerCase(), params };
}

/** A Content-ID without its angle brackets (`<logo@x>` -> `logo@x`); null when absent or empty. */
export function contentIdOf(headers: Headers): string | null {
  const raw = headerValue(headers, 'Content-ID') ?? headerValue(headers, 'X-Attachment-Id');
  const id = raw
    ?.trim()
    .replace(/^<(.*)>$/, '$1')
    .trim();
  return id ? id : null;
}
