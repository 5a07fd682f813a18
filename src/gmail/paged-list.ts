import { buildConnection, type Connection } from '../schema/connection';
import type { ListedPage } from './gmail-reads';
import type { CursorPosition, CursorScope, MessageCursorCodec } from './message-cursor';
import { cursorScopeOf, pageSizeOf, type MessagesQuery } from './messages-query';
import { afterSkip, pageEdges, planPage, type ListCall } from './page-position';

// One page of a Gmail list (messages.list, threads.list) as a Relay connection with signed cursors: the same
// arguments, the same page arithmetic and the same cursor codec for every list.

export type ListPage<T> = Connection<T> & { resultSizeEstimate: number };

export interface PagedList<T> {
  readonly collection: CursorScope['collection'];
  readonly userId: string;
  readonly cursors: MessageCursorCodec;
  /** One list call (Gmail's `messages.list` or `threads.list`). */
  readonly list: (scope: CursorScope, call: ListCall) => Promise<ListedPage<T>>;
}

export async function readListPage<T>(source: PagedList<T>, query: MessagesQuery): Promise<ListPage<T>> {
  const first = pageSizeOf(query);
  const scope = cursorScopeOf(source.userId, query, source.collection);
  const start =
    query.after == null ? { pageToken: null, offset: 0 } : source.cursors.decode(query.after, scope);

  const { position, page } = await readPage(source, scope, start, first);
  const edges = pageEdges(position, first, {
    messageCount: page.items.length,
    nextPageToken: page.nextPageToken,
  });
  const connection = buildConnection(
    page.items.slice(edges.from, edges.to),
    { hasNextPage: page.nextPageToken !== null, hasPreviousPage: query.after != null },
    (_item, index) => source.cursors.encode(edges.cursorAt(index), scope),
  );
  return { ...connection, resultSizeEstimate: page.resultSizeEstimate };
}

/** Makes the list calls {@link planPage} asks for; the page's items are counted from `position.offset`. */
async function readPage<T>(
  source: PagedList<T>,
  scope: CursorScope,
  start: CursorPosition,
  first: number,
): Promise<{ position: CursorPosition; page: ListedPage<T> }> {
  const step = planPage(start, first);
  if (step.kind === 'read') return { position: step.position, page: await source.list(scope, step.call) };
  const skipped = await source.list(scope, step.call);
  const read = afterSkip(skipped.nextPageToken, first);
  if (read === null) return { position: start, page: { ...skipped, items: [] } };
  return { position: read.position, page: await source.list(scope, read.call) };
}
