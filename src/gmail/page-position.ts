import type { CursorPosition } from './message-cursor';

// The arithmetic of one page of `messages`, without HTTP. A position is (page token, offset): the list call
// that starts at the page token, and how many of its messages come before the next one. Gmail returns at most
// GMAIL_MAX_RESULTS per call, so when offset + first would exceed that, one list call first skips `offset`
// messages to get a page token that starts exactly at the position.

/** Gmail's own maximum for `maxResults`. */
export const GMAIL_MAX_RESULTS = 500;

/** One `messages.list` call: where it starts and how many messages it asks for. */
export interface ListCall {
  readonly pageToken: string | null;
  readonly maxResults: number;
}

export type PageStep =
  /** List `call` and take the page from its messages, counting from `position.offset`. */
  | { readonly kind: 'read'; readonly position: CursorPosition; readonly call: ListCall }
  /** List `call` only for its nextPageToken, then plan again with {@link afterSkip}. */
  | { readonly kind: 'skip'; readonly call: ListCall };

/** The first call to make for a page of `first` messages from `start`. */
export function planPage(start: CursorPosition, first: number): PageStep {
  if (start.offset + first > GMAIL_MAX_RESULTS) {
    return { kind: 'skip', call: { pageToken: start.pageToken, maxResults: start.offset } };
  }
  return read(start, first);
}

/** The read after a skip call; null when the skip reached the end of the list (the page is empty). */
export function afterSkip(
  nextPageToken: string | null,
  first: number,
): Extract<PageStep, { kind: 'read' }> | null {
  return nextPageToken === null ? null : read({ pageToken: nextPageToken, offset: 0 }, first);
}

export interface PageEdges {
  /** The page is `messages.slice(from, to)` of the read call. */
  readonly from: number;
  readonly to: number;
  /** Where the message after the edge at `index` (0-based within the page) is. */
  cursorAt(index: number): CursorPosition;
}

/** Which messages of a read call make the page, and which position each edge's cursor points at. */
export function pageEdges(
  position: CursorPosition,
  first: number,
  listed: { readonly messageCount: number; readonly nextPageToken: string | null },
): PageEdges {
  const from = Math.min(position.offset, listed.messageCount);
  const to = Math.min(position.offset + first, listed.messageCount);
  const count = to - from;
  const reachedEndOfCall = position.offset + count === listed.messageCount;
  const { nextPageToken } = listed;
  return {
    from,
    to,
    cursorAt: (index) =>
      // The last edge of a full call points at the next call's start, which keeps offsets small.
      reachedEndOfCall && index === count - 1 && nextPageToken !== null
        ? { pageToken: nextPageToken, offset: 0 }
        : { pageToken: position.pageToken, offset: position.offset + index + 1 },
  };
}

function read(position: CursorPosition, first: number): Extract<PageStep, { kind: 'read' }> {
  return {
    kind: 'read',
    position,
    call: { pageToken: position.pageToken, maxResults: position.offset + first },
  };
}
