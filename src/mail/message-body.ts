import type { gmail_v1 } from 'googleapis';
import libmime from 'libmime';
import { contentIdOf, headerValue, parseStructuredHeader } from './headers';
import { decodeBase64Url, mimeTypeOf, partText } from './mime-parts';

/**
 * The readable content of a Gmail `format=full` message: its text and HTML bodies and its attachments, found
 * by walking the MIME tree the way mail clients do. Pure: no Gmail call; attachments too large for the
 * payload are only described (`source: 'attachments.get'`), fetching them is the caller's business.
 */

type Part = gmail_v1.Schema$MessagePart;

export interface MailAttachment {
  /** Gmail's partId of the part (`"1"`, `"0.2"`), unique within the message. */
  readonly partId: string;
  /** Gmail's id for messages.attachments.get; null when Gmail gave none (the bytes are in the payload). */
  readonly attachmentId: string | null;
  /** Never empty: the part's filename, else its Content-Type `name`, else `part-<partId>.<extension>`. */
  readonly filename: string;
  readonly mimeType: string;
  /** Size in bytes of the decoded content, as Gmail reports it in `body.size`. */
  readonly size: number;
  /** The Content-ID without angle brackets, which `cid:` URLs in the HTML refer to; null when none. */
  readonly contentId: string | null;
  /** `inline` for parts shown inside the message (Content-Disposition inline, or a related part). */
  readonly disposition: 'attachment' | 'inline';
  /**
   * Where the bytes are: `payload` when `body.data` holds them (read them with attachmentBytes), else
   * `attachments.get` (Gmail leaves data out above its inline size; fetch them by attachmentId).
   */
  readonly source: 'payload' | 'attachments.get';
}

export interface MessageBody {
  /** The plain-text body; null when the message has none. */
  readonly text: string | null;
  /**
   * The HTML body exactly as the sender wrote it: unsafe. It must go through sanitizeEmailHtml before it
   * reaches any client.
   */
  readonly unsafeHtml: string | null;
  readonly attachments: readonly MailAttachment[];
}

/** Deeper trees than this are not mail a person wrote; their deeper parts are ignored rather than recursed. */
const MAX_DEPTH = 32;

interface Bodies {
  texts: string[];
  htmls: string[];
}

/** Reads the bodies and attachments of a `format=full` payload. Never throws on odd structures. */
export function readMessageBody(payload: Part | null | undefined): MessageBody {
  const attachments: MailAttachment[] = [];
  const bodies = payload ? walk(payload, attachments, 0, false) : { texts: [], htmls: [] };
  return {
    text: bodies.texts.length > 0 ? bodies.texts.join('\n') : null,
    unsafeHtml: bodies.htmls.length > 0 ? bodies.htmls.join('\n') : null,
    attachments,
  };
}

/** The bytes of an attachment whose source is `payload`; null when the part is absent or has no data. */
export function attachmentBytes(payload: Part | null | undefined, partId: string): Buffer | null {
  const part = payload ? findPart(payload, partId, 0) : null;
  return part?.body?.data ? decodeBase64Url(part.body.data) : null;
}

function findPart(part: Part, partId: string, depth: number): Part | null {
  if ((part.partId ?? '') === partId) return part;
  if (depth >= MAX_DEPTH) return null;
  for (const child of part.parts ?? []) {
    const found = findPart(child, partId, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * Collects the bodies under `part` and pushes its attachments. `inRelated` marks the non-root members of a
 * multipart/related, which are inline resources (images the HTML shows) even without a Content-Disposition.
 */
function walk(part: Part, attachments: MailAttachment[], depth: number, inRelated: boolean): Bodies {
  const mimeType = mimeTypeOf(part);
  const children = part.parts ?? [];
  if (mimeType.startsWith('multipart/') && children.length > 0) {
    if (depth >= MAX_DEPTH) return { texts: [], htmls: [] };
    const walkChild = (child: Part, related = false): Bodies => walk(child, attachments, depth + 1, related);
    if (mimeType === 'multipart/alternative') return alternative(children.map((child) => walkChild(child)));
    if (mimeType === 'multipart/related') {
      const root = relatedRoot(part, children);
      const bodies = walkChild(root);
      for (const child of children) if (child !== root) walkChild(child, true);
      return bodies;
    }
    // multipart/mixed and every other multipart (signed, report, unknown): each body part in order.
    const all = children.map((child) => walkChild(child));
    return { texts: all.flatMap((b) => b.texts), htmls: all.flatMap((b) => b.htmls) };
  }
  if (isBodyPart(part, mimeType, inRelated)) {
    const content = partText(part);
    return mimeType === 'text/html' ? { texts: [], htmls: [content] } : { texts: [content], htmls: [] };
  }
  if (part.body?.data || part.body?.attachmentId)
    attachments.push(describeAttachment(part, mimeType, inRelated));
  return { texts: [], htmls: [] };
}

/** Alternatives come in increasing order of preference (RFC 2046 5.1.4): the last HTML, the last text. */
function alternative(options: Bodies[]): Bodies {
  const withHtml = options.filter((b) => b.htmls.length > 0);
  const withText = options.filter((b) => b.texts.length > 0);
  return { texts: withText.at(-1)?.texts ?? [], htmls: withHtml.at(-1)?.htmls ?? [] };
}

/** RFC 2387: the root is the part the `start` parameter names, else the first. */
function relatedRoot(part: Part, children: Part[]): Part {
  const start = parseStructuredHeader(headerValue(part.headers, 'Content-Type')).params['start'];
  const startId = start?.trim().replace(/^<(.*)>$/, '$1');
  return (
    (startId ? children.find((child) => contentIdOf(child.headers) === startId) : undefined) ?? children[0]
  );
}

/** A text/plain or text/html part that is the message's own text, not a file attached to it. */
function isBodyPart(part: Part, mimeType: string, inRelated: boolean): boolean {
  if (mimeType !== 'text/plain' && mimeType !== 'text/html') return false;
  if (inRelated || part.body?.attachmentId) return false;
  if (part.filename) return false;
  return parseStructuredHeader(headerValue(part.headers, 'Content-Disposition')).value !== 'attachment';
}

function describeAttachment(part: Part, mimeType: string, inRelated: boolean): MailAttachment {
  const partId = part.partId ?? '';
  const disposition = parseStructuredHeader(headerValue(part.headers, 'Content-Disposition'));
  const contentType = parseStructuredHeader(headerValue(part.headers, 'Content-Type'));
  const filename =
    part.filename?.trim() ||
    disposition.params['filename']?.trim() ||
    contentType.params['name']?.trim() ||
    `part-${partId || '0'}.${libmime.detectExtension(mimeType)}`;
  const data = part.body?.data;
  return {
    partId,
    attachmentId: part.body?.attachmentId ?? null,
    filename,
    mimeType,
    size: part.body?.size ?? (data ? decodeBase64Url(data).length : 0),
    contentId: contentIdOf(part.headers),
    disposition:
      disposition.value === 'inline' || (inRelated && disposition.value !== 'attachment')
        ? 'inline'
        : 'attachment',
    source: data ? 'payload' : 'attachments.get',
  };
}
