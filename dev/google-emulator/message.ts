import type { MimeNode } from './mime';

/** What a generated message shows off, so tests and people can find one with a given MIME shape. */
export type MessageFeature =
  | 'html'
  | 'attachment'
  | 'largeAttachment'
  | 'inlineImage'
  | 'remoteImages'
  | 'trackingPixel'
  | 'latin1'
  | 'windows1252'
  | 'quotedPrintable'
  | 'encodedSubject'
  | 'cc'
  | 'replyTo'
  | 'hostile';

/**
 * One generated message, as the emulator keeps it: created once with its mailbox; only its labels (and with them
 * its historyId) change, through Mailbox.modifyLabels.
 */
export interface StoredMessage {
  readonly id: string;
  readonly threadId: string;
  /** Position in the mailbox's Gmail order (0 = newest); fixed for the mailbox's life, page tokens carry it. */
  readonly rank: number;
  labelIds: readonly string[];
  /** ms since the epoch. */
  readonly internalDate: number;
  historyId: string;
  readonly subject: string;
  /** Header values as Gmail shows them decoded, e.g. `'Alice Martin <alice.martin@example.com>'`. */
  readonly from: string;
  readonly to: string;
  /** Top-level headers in order, decoded. */
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  /** The text/plain alternative. */
  readonly textBody: string;
  /** The MIME tree of the body (the top-level Content-Type header matches its root). */
  readonly mime: MimeNode;
  readonly features: readonly MessageFeature[];
  /** The HOSTILE_HTML entry (or `'large newsletter'`) whose HTML this message carries. */
  readonly hostile?: string;
  /** Gmail's snippet: the start of the text, HTML-escaped. */
  readonly snippet: string;
  readonly sizeEstimate: number;
  /** Lower-cased subject, from, to, snippet and body: what free-text search looks in. */
  readonly searchText: string;
}

export const MIME_BOUNDARY_PREFIX = '000000000000';

/** `Thu, 30 Oct 2026 16:45:00 +0000`, the RFC 5322 date format of a Date header. */
export function rfc5322Date(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}
