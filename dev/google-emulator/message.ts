/** One generated message, as the emulator keeps it: created once with its mailbox, never changed. */
export interface StoredMessage {
  readonly id: string;
  readonly threadId: string;
  /** Position in the mailbox's Gmail order (0 = newest); fixed for the mailbox's life, page tokens carry it. */
  readonly rank: number;
  readonly labelIds: readonly string[];
  /** ms since the epoch. */
  readonly internalDate: number;
  readonly historyId: string;
  readonly subject: string;
  /** Header values as Gmail shows them decoded, e.g. `'Alice Martin <alice.martin@example.com>'`. */
  readonly from: string;
  readonly to: string;
  /** Top-level headers in order, decoded. */
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  /** The text/plain part; the text/html part is made from it (mime.ts). */
  readonly textBody: string;
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
