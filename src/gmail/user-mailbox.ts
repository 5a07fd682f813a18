import DataLoader from 'dataloader';
import type { Credential } from '../credentials/credential.repository';
import type { AttachmentTokenCodec } from '../attachments/attachment-token';
import type { Metrics } from '../metrics';
import type { GmailClient } from './gmail.client';
import type {
  GmailLabel,
  LabelCounts,
  LoadedMessage,
  LoadedThread,
  MessageMetadata,
  MessageRef,
  ThreadRef,
} from './gmail-reads';
import type { LabelCache } from './label-cache';
import type { MessageCursorCodec } from './message-cursor';
import { attachmentBytes } from '../mail/message-body';
import { ALL_HEADER_FIELDS, type MessageFetch } from './message-fetch';
import type { MessagesQuery } from './messages-query';
import { readableMessage, type ReadableMessage } from './readable-message';
import type { CachedMetadata, MetadataCache } from './metadata-cache';
import { readListPage, type ListPage } from './paged-list';

export interface UserMailboxDeps {
  readonly gmail: GmailClient;
  readonly cache: MetadataCache;
  readonly labels: LabelCache;
  /** Counts metadata served from the cache (hit) and fetched from Gmail (miss). */
  readonly metrics: Pick<Metrics, 'cacheLookup'>;
  readonly cursors: MessageCursorCodec;
  /** Seals the download URLs of attachments. */
  readonly attachmentTokens: AttachmentTokenCodec;
}

/**
 * Labels whose counts (`labels.get`, one call each) one request reads at most; the counts of any further label
 * are null. The quota plan reserves this many calls when a count field is selected.
 */
export const MAX_LABEL_COUNTS_PER_REQUEST = 50;

const FULL: MessageFetch = { format: 'full', headers: ALL_HEADER_FIELDS, freshLabels: false };

/**
 * One per request and user: lists messages and threads and loads them in batches (de-duplicated, in parallel;
 * how many run at once is the Gmail client's per-user limit, shared with the user's other requests). Every
 * message is read at most once per request, with the one fetch the request's selection needs (see
 * message-fetch.ts): a message loaded within a thread is not fetched again.
 */
export class UserMailbox {
  private readonly messages: DataLoader<string, LoadedMessage | null>;
  private readonly threads: DataLoader<string, LoadedThread | null>;
  private readonly counts: DataLoader<string, LabelCounts | null>;
  /** The request's fetch: the first one asked for (one operation per request, so every caller asks the same). */
  private fetch: MessageFetch | undefined;
  private labelList: Promise<readonly GmailLabel[]> | undefined;
  private countsRead = 0;
  private readonly readable = new WeakMap<LoadedMessage, ReadableMessage>();

  constructor(
    private readonly credential: Credential,
    private readonly deps: UserMailboxDeps,
  ) {
    this.messages = new DataLoader((ids) => eachSettled(ids.map((id) => this.loadMessage(id))));
    this.threads = new DataLoader((ids) => eachSettled(ids.map((id) => this.loadThread(id))));
    this.counts = new DataLoader((ids) => eachSettled(ids.map((id) => this.loadCounts(id))));
  }

  list(query: MessagesQuery): Promise<ListPage<MessageRef>> {
    return readListPage(
      {
        collection: 'messages',
        userId: this.credential.userId,
        cursors: this.deps.cursors,
        list: (s, c) => this.deps.gmail.list(s, c),
      },
      query,
    );
  }

  listThreads(query: MessagesQuery): Promise<ListPage<ThreadRef>> {
    return readListPage(
      {
        collection: 'threads',
        userId: this.credential.userId,
        cursors: this.deps.cursors,
        list: (s, c) => this.deps.gmail.listThreads(s, c),
      },
      query,
    );
  }

  /** The message as this request reads it (see {@link fetch}); null when Gmail has no such message. */
  message(id: string, fetch: MessageFetch): Promise<LoadedMessage | null> {
    this.fetch ??= fetch;
    return this.messages.load(id);
  }

  /** The thread with its messages, read in one `threads.get`; null when Gmail has no such thread. */
  thread(id: string, fetch: MessageFetch): Promise<LoadedThread | null> {
    this.fetch ??= fetch;
    return this.threads.load(id);
  }

  /** The user's labels (`labels.list`), from the per-user cache when recent; read at most once per request. */
  labels(): Promise<readonly GmailLabel[]> {
    return (this.labelList ??= this.readLabels());
  }

  /** A label's counts; null when the label is gone or the request already read its share of counts. */
  labelCounts(labelId: string): Promise<LabelCounts | null> {
    return this.counts.load(labelId);
  }

  /** The body and attachments of a message read with `format=full`, made once per message and request. */
  readableOf(message: LoadedMessage): ReadableMessage {
    let readable = this.readable.get(message);
    if (readable === undefined) {
      readable = readableMessage(this.credential.userId, message, this.deps.attachmentTokens);
      this.readable.set(message, readable);
    }
    return readable;
  }

  /**
   * An attachment's bytes: by attachmentId (`messages.attachments.get`), or, for a part Gmail keeps in the
   * payload, from the message read with `format=full`. One Gmail call either way; null when Gmail has none.
   */
  async attachmentBytes(
    messageId: string,
    where: { readonly attachmentId: string | null; readonly partId: string },
  ): Promise<Buffer | null> {
    if (where.attachmentId !== null) return this.deps.gmail.getAttachment(messageId, where.attachmentId);
    const message = await this.deps.gmail.getMessage(messageId, FULL);
    return message === null ? null : attachmentBytes(message.payload, where.partId);
  }

  private async loadMessage(id: string): Promise<LoadedMessage | null> {
    const fetch = this.requestFetch();
    const cached = fetch.format === 'full' ? undefined : this.deps.cache.get(this.credential.userId, id);
    if (cached !== undefined && this.serves(cached, fetch)) {
      this.deps.metrics.cacheLookup(true);
      // The list gave the thread id; a message read alone needs it from the cache, which does not keep it.
      return { ref: { id, threadId: cached.threadId }, metadata: cached.metadata, payload: null };
    }
    this.deps.metrics.cacheLookup(false);
    const loaded = await this.deps.gmail.getMessage(id, fetch);
    if (loaded !== null) this.remember(loaded, cached);
    return loaded;
  }

  private async loadThread(id: string): Promise<LoadedThread | null> {
    const thread = await this.deps.gmail.getThread(id, this.requestFetch());
    for (const message of thread?.messages ?? []) {
      this.messages.prime(message.ref.id, message);
      this.remember(message, this.deps.cache.get(this.credential.userId, message.ref.id));
    }
    return thread;
  }

  private async loadCounts(labelId: string): Promise<LabelCounts | null> {
    if (this.countsRead >= MAX_LABEL_COUNTS_PER_REQUEST) return null;
    this.countsRead++;
    return this.deps.gmail.getLabelCounts(labelId);
  }

  private async readLabels(): Promise<readonly GmailLabel[]> {
    const cached = this.deps.labels.get(this.credential.userId);
    if (cached !== undefined) return cached;
    const labels = await this.deps.gmail.listLabels();
    this.deps.labels.remember(this.credential.userId, labels);
    return labels;
  }

  private requestFetch(): MessageFetch {
    return this.fetch ?? { format: 'minimal', headers: [], freshLabels: false };
  }

  /** Whether a cached copy answers `fetch`: it holds every header asked for, and fresh labelIds if those are. */
  private serves(cached: CachedMetadata, fetch: MessageFetch): boolean {
    if (fetch.headers.some((field) => cached.metadata[field] === undefined)) return false;
    return !fetch.freshLabels || this.deps.cache.isFresh(cached);
  }

  /** Headers never change for a message id: the ones read before are kept beside the ones read now. */
  private remember(loaded: LoadedMessage, previous: CachedMetadata | undefined): void {
    const merged: MessageMetadata = { ...previous?.metadata, ...definedOnly(loaded.metadata) };
    this.deps.cache.remember(this.credential.userId, loaded.ref.id, merged, loaded.ref.threadId);
  }
}

function definedOnly(metadata: MessageMetadata): MessageMetadata {
  return Object.fromEntries(
    Object.entries(metadata).filter(([, value]) => value !== undefined),
  ) as unknown as MessageMetadata;
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
