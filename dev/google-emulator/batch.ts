import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { apiError } from './google-errors';
import type { Reply } from './http';

// Gmail's HTTP batch format (`POST /batch/gmail/v1`): a multipart/mixed body whose parts are each
// `Content-Type: application/http` holding one HTTP request, answered by a multipart/mixed body whose parts each
// hold one HTTP answer, `Content-ID: response-<the request part's id>`, in the shape of the real answer in
// shared/real-google/gmail-batch-response-multipart.txt. The emulator keeps its own parser: it stands in for
// Google, so it must not share the gateway's code.

/** Google's limit: at most 100 calls in one batch request. */
export const MAX_BATCH_PARTS = 100;

/** One inner request of a batch, as the client wrote it. */
export interface BatchRequestPart {
  /** The part's `Content-ID` header, as sent (`<item-1>`); null when the part had none. */
  readonly contentId: string | null;
  readonly method: string;
  /** The request target: a path with its query (`/gmail/v1/users/me/messages/1a?format=metadata`) or an absolute URL. */
  readonly target: string;
  /** The inner request's own headers, names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
}

/** The parts of a batch request, or Google's 400 for a body it cannot read. */
export function parseBatchRequest(
  contentType: string | undefined,
  body: string,
): { parts: BatchRequestPart[] } | { reply: Reply } {
  const boundary = /^multipart\/mixed\s*;(?:.*;)?\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(
    contentType ?? '',
  );
  const delimiter = boundary?.[1] ?? boundary?.[2];
  if (delimiter === undefined) return { reply: invalidMultipart(0) };
  const sections = body.split(`--${delimiter}`);
  // Before the first delimiter is the preamble; a section starting with `--` is the close delimiter and after it
  // the epilogue, both ignored.
  const parts: BatchRequestPart[] = [];
  for (const section of sections.slice(1)) {
    if (section.startsWith('--')) break;
    const part = parsePart(section);
    if (part === null) return { reply: unreadablePart() };
    parts.push(part);
  }
  if (parts.length === 0) return { reply: invalidMultipart(0) };
  return { parts };
}

/** Google's answer to more than {@link MAX_BATCH_PARTS} calls (the wording is an approximation). */
export function tooManyParts(count: number): Reply {
  return apiError(400, `Too many requests in batch: ${count}. The limit is ${MAX_BATCH_PARTS}.`, {
    reason: 'badRequest',
  });
}

/** One inner answer, placed in the batch answer under `response-<request Content-ID>`. */
export interface BatchAnswerPart {
  readonly contentId: string | null;
  readonly reply: Reply;
}

/**
 * The batch answer: 200, multipart/mixed, each part an `application/http` holding `HTTP/1.1 <status> <reason>`,
 * the inner headers (Google's `Content-Type: application/json; charset=UTF-8` and `Vary` lines, before the
 * content type on errors as in the recorded 404) and the JSON body. Lines end with CRLF, as multipart requires.
 */
export function batchAnswer(parts: readonly BatchAnswerPart[]): Reply {
  const boundary = `batch_${randomBytes(24).toString('base64url')}`;
  const chunks: string[] = [];
  for (const { contentId, reply } of parts) {
    const vary = ['Vary: Origin', 'Vary: X-Origin', 'Vary: Referer'];
    const type = 'Content-Type: application/json; charset=UTF-8';
    const extra = Object.entries(reply.headers)
      .filter(([name]) => name.toLowerCase() !== 'content-type')
      .map(([name, value]) => `${headerName(name)}: ${value}`);
    const head = reply.status < 400 ? [type, ...vary] : [...vary, type];
    chunks.push(
      `--${boundary}`,
      'Content-Type: application/http',
      `Content-ID: ${responseId(contentId)}`,
      '',
      `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? ''}`.trimEnd(),
      ...head,
      ...extra,
      '',
      reply.body,
      '',
    );
  }
  chunks.push(`--${boundary}--`, '');
  return {
    status: 200,
    headers: {
      'content-type': `multipart/mixed; boundary=${boundary}`,
      vary: 'Origin, X-Origin, Referer',
    },
    body: chunks.join('\r\n'),
  };
}

/** `<item-1>` -> `<response-item-1>`, `item-1` -> `response-item-1`, none -> `response-` (as recorded). */
function responseId(contentId: string | null): string {
  if (contentId === null) return 'response-';
  const bracketed = /^<(.*)>$/.exec(contentId);
  return bracketed ? `<response-${bracketed[1]}>` : `response-${contentId}`;
}

/** Google's spelling of a header the emulator keeps lower-cased: `www-authenticate` -> `WWW-Authenticate`. */
function headerName(name: string): string {
  if (name.toLowerCase() === 'www-authenticate') return 'WWW-Authenticate';
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => dash + letter.toUpperCase());
}

/**
 * One part: its MIME headers, a blank line, then the HTTP request (request line, headers, blank line, an
 * ignored body). Null when it is not `application/http` or holds no request line.
 */
function parsePart(section: string): BatchRequestPart | null {
  const text = section.replace(/^\r?\n/, '');
  const [mimeHead, rest] = splitHead(text);
  if (rest === null) return null;
  const mime = headerMap(mimeHead);
  if (!(mime['content-type'] ?? '').toLowerCase().startsWith('application/http')) return null;
  const [innerHead] = splitHead(rest.replace(/^(\r?\n)+/, ''));
  const lines = innerHead.split(/\r?\n/);
  const requestLine = /^([A-Z]+)\s+(\S+)(?:\s+HTTP\/\d(?:\.\d)?)?$/.exec(lines[0]?.trim() ?? '');
  if (!requestLine) return null;
  return {
    contentId: mime['content-id'] ?? null,
    method: requestLine[1]!,
    target: requestLine[2]!,
    headers: headerMap(lines.slice(1).join('\n')),
  };
}

/** Splits at the first blank line: [head, rest], rest null when there is none. */
function splitHead(text: string): [string, string | null] {
  const match = /\r?\n\r?\n/.exec(text);
  if (!match) return [text, null];
  return [text.slice(0, match.index), text.slice(match.index + match[0].length)];
}

function headerMap(head: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function invalidMultipart(parts: number): Reply {
  return apiError(400, `Invalid multipart request with ${parts} mime parts.`, { reason: 'badRequest' });
}

function unreadablePart(): Reply {
  return apiError(400, 'Failed to parse batch request, error: the part is not an application/http request.', {
    reason: 'badRequest',
  });
}
