// Gmail's HTTP batch format, written and read: a multipart/mixed request whose parts each hold one HTTP
// request (`Content-Type: application/http`), answered by a multipart/mixed body whose parts each hold one HTTP
// answer under `Content-ID: response-<the request part's id>`. Pure, no I/O.
//
// Our own small parser rather than a package: the multipart parsers on npm are built for streamed
// multipart/form-data uploads (fields, files, Content-Disposition), while this reads one bounded answer that is
// already in memory and needs each part's own HTTP status line and headers, which none of them parse. Strict:
// an answer that does not read as Google's shape throws, and the calls it held are then retried as failed.

/** One inner request. */
export interface BatchRequestPart {
  /** e.g. `<call-0>`; the answer names it `<response-call-0>`. */
  readonly contentId: string;
  /** Path and query, e.g. `/gmail/v1/users/me/messages/18c2?format=metadata&metadataHeaders=Subject`. */
  readonly target: string;
}

/** One inner answer. */
export interface BatchAnswerPart {
  /** The request part's Content-ID it answers (`<call-0>`), null when Google sent none. */
  readonly contentId: string | null;
  readonly status: number;
  /** Header names lower-cased; a repeated header keeps its last value. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export class BatchAnswerUnreadableError extends Error {
  constructor(reason: string) {
    super(`unreadable Gmail batch answer: ${reason}`);
    this.name = 'BatchAnswerUnreadableError';
  }
}

/** The body of a batch request of GETs; each inner call carries no headers: the batch's Authorization applies. */
export function batchRequestBody(boundary: string, parts: readonly BatchRequestPart[]): string {
  const lines: string[] = [];
  for (const part of parts) {
    lines.push(`--${boundary}`, 'Content-Type: application/http', `Content-ID: ${part.contentId}`, '');
    lines.push(`GET ${part.target}`, '', '');
  }
  lines.push(`--${boundary}--`, '');
  return lines.join('\r\n');
}

/** The inner answers of a batch answer, in order; throws BatchAnswerUnreadableError for anything else. */
export function parseBatchAnswer(contentType: string | null, text: string): BatchAnswerPart[] {
  const boundary = boundaryOf(contentType);
  const delimiter = `--${boundary}`;
  const first = text.startsWith(delimiter) ? 0 : text.indexOf(`\n${delimiter}`);
  if (first < 0) throw new BatchAnswerUnreadableError('no part');
  const parts: BatchAnswerPart[] = [];
  let at = text.indexOf(delimiter, first) + delimiter.length;
  for (;;) {
    if (text.startsWith('--', at)) return parts;
    const next = text.indexOf(`\n${delimiter}`, at);
    if (next < 0) throw new BatchAnswerUnreadableError('no closing delimiter');
    // The line break before a delimiter belongs to the delimiter (RFC 2046).
    const end = text[next - 1] === '\r' ? next - 1 : next;
    parts.push(parsePart(text.slice(at, end)));
    at = next + 1 + delimiter.length;
  }
}

/** The request part's Content-ID an answer's `response-<id>` names: `<response-call-0>` -> `<call-0>`. */
function answeredId(value: string | undefined): string | null {
  if (value === undefined) return null;
  const bracketed = /^<response-(.*)>$/.exec(value);
  if (bracketed) return `<${bracketed[1]}>`;
  return value.startsWith('response-') ? value.slice('response-'.length) || null : value;
}

function boundaryOf(contentType: string | null): string {
  const match = /^multipart\/mixed\s*;(?:.*;)?\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  const boundary = match?.[1] ?? match?.[2];
  if (boundary === undefined) throw new BatchAnswerUnreadableError(`content type ${contentType ?? 'none'}`);
  return boundary;
}

/** One part: MIME headers, blank line, `HTTP/1.1 <status> <reason>`, headers, blank line, body. */
function parsePart(section: string): BatchAnswerPart {
  const [mimeHead, http] = splitHead(section.replace(/^[ \t]*\r?\n/, ''));
  const mime = headerMap(mimeHead);
  if (!(mime['content-type'] ?? '').toLowerCase().startsWith('application/http')) {
    throw new BatchAnswerUnreadableError('a part is not application/http');
  }
  const [head, body] = splitHead(http ?? '');
  const [statusLine = '', ...headerLines] = head.split(/\r?\n/);
  const status = /^HTTP\/\d(?:\.\d)? (\d{3})(?: .*)?$/.exec(statusLine.trim());
  if (!status) throw new BatchAnswerUnreadableError('a part has no status line');
  return {
    contentId: answeredId(mime['content-id']),
    status: Number(status[1]),
    headers: headerMap(headerLines.join('\n')),
    body: body ?? '',
  };
}

/** Splits at the first blank line: [head, rest], rest undefined when there is none. */
function splitHead(text: string): [string, string | undefined] {
  const match = /\r?\n\r?\n/.exec(text);
  if (!match) return [text, undefined];
  return [text.slice(0, match.index), text.slice(match.index + match[0].length)];
}

function headerMap(head: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}
