import DataLoader from 'dataloader';
import type { Credential } from '../credentials/credential.repository';
import type { Metrics } from '../metrics';
import { buildConnection, type Connection } from '../schema/connection';
import type { GmailClient, ListedPage, MessageMetadata, MessageRef } from './gmail.client';
import type { CursorPosition, CursorScope, MessageCursorCodec } from './message-cursor';
import { cursorScopeOf, pageSizeOf, type MessagesQuery } from './messages-query';
import type { MetadataCache } from './metadata-cache';
import { afterSkip, pageEdges, planPage } from './page-position';

export interface UserMailboxDeps {
  readonly gmail: GmailClient;
  readonly cache: MetadataCache;
  /** Counts metadata served from the cache (hit) and fetched from Gmail (miss). */
  readonly metrics: Pick<Metrics, 'cacheLookup'>;
  readonly cursors: MessageCursorCodec;
}

/**
 * One per request and user: lists messages and loads metadata in batches (de-duplicated, in parallel; how many
 * run at once is the Gmail client's per-user limit, shared with the user's other requests).
 */
export class UserMailbox {
  /** Batches every metadata read of this request into one round of parallel `messages.get` calls. */
  readonly metadata: DataLoader<string, MessageMetadata | null>;
  /** Metadata reads that must bypass cached labelIds (because `labelIds` was selected). */
  readonly freshMetadata: DataLoader<string, MessageMetadata | null>;

  constructor(
    private readonly credential: Credential,
    private readonly deps: UserMailboxDeps,
  ) {
    this.metadata = new DataLoader((ids) => this.loadMetadata(ids));
    this.freshMetadata = new DataLoader((ids) => this.loadFreshMetadata(ids));
  }

  async list(query: MessagesQuery): Promise<Connection<MessageRef> & { resultSizeEstimate: number }> {
    const first = pageSizeOf(query);
    const scope = cursorScopeOf(this.credential.userId, query);
    const start =
      query.after == null ? { pageToken: null, offset: 0 } : this.deps.cursors.decode(query.after, scope);

    const { position, page } = await this.readPage(scope, start, first);
    const edges = pageEdges(position, first, {
      messageCount: page.messages.length,
      nextPageToken: page.nextPageToken,
    });
    const connection = buildConnection(
      page.messages.slice(edges.from, edges.to),
      { hasNextPage: page.nextPageToken !== null, hasPreviousPage: query.after != null },
      (_ref, index) => this.deps.cursors.encode(edges.cursorAt(index), scope),
    );
    return { ...connection, resultSizeEstimate: page.resultSizeEstimate };
  }

  /** Makes the list calls {@link planPage} asks for; the page's messages are counted from `position.offset`. */
  private async readPage(
    scope: CursorScope,
    start: CursorPosition,
    first: number,
  ): Promise<{ position: CursorPosition; page: ListedPage }> {
    const step = planPage(start, first);
    if (step.kind === 'read') {
      return { position: step.position, page: await this.deps.gmail.list(scope, step.call) };
    }
    const skipped = await this.deps.gmail.list(scope, step.call);
    const read = afterSkip(skipped.nextPageToken, first);
    if (read === null) return { position: start, page: { ...skipped, messages: [] } };
    return { position: read.position, page: await this.deps.gmail.list(scope, read.call) };
  }

  /** Metadata of any age: headers, snippet, date and size never change for a message id. */
  private loadMetadata(ids: readonly string[]): Promise<(MessageMetadata | null | Error)[]> {
    return eachSettled(
      ids.map((id) => {
        const cached = this.deps.cache.get(this.credential.userId, id);
        return cached === undefined ? this.fetchAndRemember(id) : this.servedFromCache(cached.metadata);
      }),
    );
  }

  /** Metadata whose labelIds are recent enough; an uncached id goes through the other loader, so one fetch serves both. */
  private loadFreshMetadata(ids: readonly string[]): Promise<(MessageMetadata | null | Error)[]> {
    return eachSettled(
      ids.map((id) => {
        const cached = this.deps.cache.get(this.credential.userId, id);
        if (cached === undefined) return this.metadata.load(id);
        return this.deps.cache.isFresh(cached)
          ? this.servedFromCache(cached.metadata)
          : this.fetchAndRemember(id);
      }),
    );
  }

  private servedFromCache(metadata: MessageMetadata): Promise<MessageMetadata> {
    this.deps.metrics.cacheLookup(true);
    return Promise.resolve(metadata);
  }

  private async fetchAndRemember(id: string): Promise<MessageMetadata | null> {
    this.deps.metrics.cacheLookup(false);
    const metadata = await this.deps.gmail.getMetadata(id);
    if (metadata !== null) this.deps.cache.remember(this.credential.userId, id, metadata);
    return metadata;
  }
}

/**
 * A batch's answers one by one: a message whose get failed (timed out, passed the request's deadline) fails only
 * its own fields, while the messages Gmail did answer keep their data. DataLoader hands an Error to that key.
 */
function eachSettled<T>(loads: readonly Promise<T>[]): Promise<(T | Error)[]> {
  return Promise.all(
    loads.map((load) =>
      load.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
    ),
  );
}
