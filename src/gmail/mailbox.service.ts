import DataLoader from 'dataloader';
import type { OAuth2Client } from 'google-auth-library';
import { gmail_v1 } from 'googleapis/build/src/apis/gmail';
import { LRUCache } from 'lru-cache';
import pLimit from 'p-limit';
import type { AuthService } from '../auth/auth.service';
import type { OAuthClientPool } from '../auth/oauth-client-pool';
import type { Session } from '../auth/session.repository';
import type {
  Credential,
  CredentialRepository,
  ReauthorizationReason,
} from '../credentials/credential.repository';
import {
  assertNever,
  BadUserInputError,
  ErrorCode,
  GatewayError,
  RateLimitedError,
  UpstreamUnavailableError,
  type ReauthorizationRequiredError,
} from '../errors';
import type { Logger } from '../logger';
import { buildConnection, type Connection } from '../schema/connection';
import { classifyGoogleError } from './google-errors';
import type { CursorScope, MessageCursorCodec } from './message-cursor';
import { RetriesExhaustedError, withRetries, type RetryClock, type RetryPolicy } from './retry';

/** What `messages.list` gives: enough for `id` and `threadId`. */
export interface MessageRef {
  readonly id: string;
  readonly threadId: string;
}

/** What `messages.get` (format=metadata) gives. */
export interface MessageMetadata {
  readonly subject: string | null;
  readonly from: string | null;
  readonly to: string | null;
  readonly date: Date | null;
  readonly snippet: string | null;
  readonly labelIds: readonly string[];
  readonly sizeEstimate: number | null;
}

export interface MessagesQuery {
  readonly query?: string | null;
  readonly first?: number | null;
  readonly after?: string | null;
  readonly labelIds?: readonly string[] | null;
  readonly includeSpamTrash?: boolean | null;
}

export const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;
/** Gmail's own maximum for `maxResults`. */
const GMAIL_MAX_RESULTS = 500;
const MAX_QUERY_LENGTH = 2048;
const MAX_LABEL_IDS = 20;
const LABEL_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** The headers the Message type exposes; the only ones asked for. */
const METADATA_HEADERS = ['Subject', 'From', 'To'];

interface ListedPage {
  readonly messages: readonly MessageRef[];
  readonly nextPageToken: string | null;
  readonly resultSizeEstimate: number;
}

interface CachedMetadata {
  readonly metadata: MessageMetadata;
  /** When labelIds were read: they change (read, archived, labelled), unlike everything else. */
  readonly fetchedAt: number;
}

export interface MailboxServiceDeps {
  readonly credentials: CredentialRepository;
  readonly clients: OAuthClientPool;
  readonly auth: AuthService;
  readonly cursors: MessageCursorCodec;
  readonly logger: Logger;
  /** Root URL for googleapis, e.g. the emulator's; undefined means Google's. */
  readonly apiRootUrl: string | undefined;
  readonly retry: RetryPolicy;
  readonly clock?: RetryClock;
  /** How many `messages.get` calls one request runs at once. */
  readonly metadataConcurrency: number;
  /**
   * Memory budget of the metadata the process keeps (across users and requests), in bytes of V8 heap as
   * {@link metadataFootprint} estimates them; 0 keeps nothing.
   */
  readonly metadataCacheBytes: number;
  /**
   * How long cached labelIds are trusted. Headers, snippet, date and size never change for a message id, so
   * they are served from the cache for as long as it holds them; labelIds are re-read from Gmail once older
   * than this, and only when a client selects `labelIds`.
   */
  readonly labelFreshnessMs: number;
  readonly now: () => number;
}

/**
 * Reads mailboxes. Created once per process; it owns the metadata cache shared by all requests. Each request
 * opens a {@link UserMailbox} that carries the user's Gmail client and a per-request batch loader.
 */
export class MailboxService {
  /** Bounded by bytes rather than entries, so that operators budget memory, whatever the messages look like. */
  private readonly cache: LRUCache<string, CachedMetadata> | null;

  constructor(private readonly deps: MailboxServiceDeps) {
    this.cache =
      deps.metadataCacheBytes > 0
        ? new LRUCache({
            maxSize: deps.metadataCacheBytes,
            sizeCalculation: (entry, key) => metadataFootprint(entry.metadata, key),
          })
        : null;
  }

  /**
   * Checks the session's credential and returns the mailbox for this request. A credential marked
   * NEEDS_REAUTHORIZATION answers CREDENTIALS_REVOKED at once, without calling Google.
   */
  async open(session: Session): Promise<UserMailbox> {
    const credential = await this.deps.credentials.findById(session.userId);
    if (credential === null) throw await this.deps.auth.unauthenticatedError();
    if (credential.status !== 'ACTIVE' || credential.refreshToken === null) {
      throw await this.revokedError(credential);
    }
    return new UserMailbox(this, this.deps, credential, this.deps.clients.clientFor(credential));
  }

  cached(userId: string, messageId: string): CachedMetadata | undefined {
    return this.cache?.get(cacheKey(userId, messageId));
  }

  remember(userId: string, messageId: string, metadata: MessageMetadata): void {
    this.cache?.set(cacheKey(userId, messageId), { metadata, fetchedAt: this.deps.now() });
  }

  /** Marks the credential and answers CREDENTIALS_REVOKED with a consent URL for that account. */
  async revoke(credential: Credential, reason: ReauthorizationReason): Promise<ReauthorizationRequiredError> {
    // Only the tokens that failed are condemned: a consent that landed meanwhile wrote newer ones, which stay.
    const failed = this.deps.clients.tokensIssuedAt(credential.userId) ?? credential.tokensIssuedAt;
    const marked = await this.deps.credentials.markNeedsReauthorization(credential.userId, reason, failed);
    this.deps.clients.forget(credential.userId);
    if (marked) {
      this.deps.logger.warn({ userId: credential.userId, reason }, 'google credential needs reauthorization');
    }
    return this.revokedError(credential);
  }

  private revokedError(credential: Credential): Promise<ReauthorizationRequiredError> {
    return this.deps.auth.reauthorizationError(
      ErrorCode.CREDENTIALS_REVOKED,
      'Google no longer accepts this account’s authorization; send the user to extensions.authorizationUrl to reconnect.',
      { loginHint: credential.email, forceConsent: true },
    );
  }
}

/** One per request and user: lists messages and loads metadata in batches (de-duplicated, in parallel). */
export class UserMailbox {
  private readonly gmail: gmail_v1.Gmail;
  private readonly limit: ReturnType<typeof pLimit>;
  /** Batches every metadata read of this request into one round of parallel `messages.get` calls. */
  readonly metadata: DataLoader<string, MessageMetadata | null>;
  /** Metadata reads that must bypass cached labelIds (because `labelIds` was selected). */
  readonly freshMetadata: DataLoader<string, MessageMetadata | null>;

  constructor(
    private readonly service: MailboxService,
    private readonly deps: MailboxServiceDeps,
    private readonly credential: Credential,
    private readonly client: OAuth2Client,
  ) {
    this.gmail = new gmail_v1.Gmail({
      auth: client,
      ...(deps.apiRootUrl === undefined ? {} : { rootUrl: deps.apiRootUrl }),
    });
    this.limit = pLimit(deps.metadataConcurrency);
    this.metadata = new DataLoader((ids) => this.loadMetadata(ids));
    this.freshMetadata = new DataLoader((ids) => this.loadFreshMetadata(ids));
  }

  async list(query: MessagesQuery): Promise<Connection<MessageRef> & { resultSizeEstimate: number }> {
    const first = query.first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
      throw new BadUserInputError(`first must be an integer from 1 to ${MAX_PAGE_SIZE}`, 'first');
    }
    const scope = this.scopeOf(query);
    const start =
      query.after == null ? { pageToken: null, offset: 0 } : this.deps.cursors.decode(query.after, scope);

    // A position is (page token, offset). When the offset plus the page would exceed Gmail's maxResults, one
    // list call first skips `offset` messages to get a page token that starts exactly at the position.
    let position = start;
    let page: ListedPage | null = null;
    if (position.offset + first > GMAIL_MAX_RESULTS) {
      const skipped = await this.listPage(scope, position.pageToken, position.offset);
      if (skipped.nextPageToken === null) page = { ...skipped, messages: [] };
      else position = { pageToken: skipped.nextPageToken, offset: 0 };
    }
    page ??= await this.listPage(scope, position.pageToken, position.offset + first);
    const refs = page.messages.slice(position.offset, position.offset + first);
    const reachedEndOfCall = position.offset + refs.length === page.messages.length;
    const connection = buildConnection(
      refs,
      { hasNextPage: page.nextPageToken !== null, hasPreviousPage: query.after != null },
      (_ref, index) => {
        const offset = position.offset + index + 1;
        // The last edge of a full call points at the next call's start, which keeps offsets small.
        const cursor =
          reachedEndOfCall && index === refs.length - 1 && page.nextPageToken !== null
            ? { pageToken: page.nextPageToken, offset: 0 }
            : { pageToken: position.pageToken, offset };
        return this.deps.cursors.encode(cursor, scope);
      },
    );
    return { ...connection, resultSizeEstimate: page.resultSizeEstimate };
  }

  private scopeOf(query: MessagesQuery): CursorScope {
    const text = (query.query ?? '').trim();
    if (text.length > MAX_QUERY_LENGTH) {
      throw new BadUserInputError(`query must be at most ${MAX_QUERY_LENGTH} characters`, 'query');
    }
    const labelIds = query.labelIds ?? [];
    if (labelIds.length > MAX_LABEL_IDS || !labelIds.every((id) => LABEL_ID.test(id))) {
      throw new BadUserInputError(
        `labelIds must be at most ${MAX_LABEL_IDS} Gmail label ids (letters, digits, _ and -)`,
        'labelIds',
      );
    }
    return {
      userId: this.credential.userId,
      query: text,
      labelIds: [...new Set(labelIds)].sort(),
      includeSpamTrash: query.includeSpamTrash ?? false,
    };
  }

  private async listPage(
    scope: CursorScope,
    pageToken: string | null,
    maxResults: number,
  ): Promise<ListedPage> {
    const { data } = await this.call(() =>
      this.gmail.users.messages.list(
        {
          userId: 'me',
          maxResults,
          includeSpamTrash: scope.includeSpamTrash,
          ...(scope.query === '' ? {} : { q: scope.query }),
          ...(scope.labelIds.length === 0 ? {} : { labelIds: [...scope.labelIds] }),
          ...(pageToken === null ? {} : { pageToken }),
        },
        { retry: false },
      ),
    );
    const messages: MessageRef[] = (data.messages ?? []).flatMap((m) =>
      m.id ? [{ id: m.id, threadId: m.threadId ?? m.id }] : [],
    );
    return {
      messages,
      nextPageToken: data.nextPageToken ?? null,
      resultSizeEstimate: data.resultSizeEstimate ?? 0,
    };
  }

  /** Metadata of any age: headers, snippet, date and size never change for a message id. */
  private loadMetadata(ids: readonly string[]): Promise<(MessageMetadata | null)[]> {
    return Promise.all(
      ids.map((id) => this.service.cached(this.credential.userId, id)?.metadata ?? this.fetchAndRemember(id)),
    );
  }

  /** Metadata whose labelIds are recent enough; an uncached id goes through the other loader, so one fetch serves both. */
  private loadFreshMetadata(ids: readonly string[]): Promise<(MessageMetadata | null)[]> {
    const now = this.deps.now();
    return Promise.all(
      ids.map((id) => {
        const cached = this.service.cached(this.credential.userId, id);
        if (cached === undefined) return this.metadata.load(id);
        return now - cached.fetchedAt < this.deps.labelFreshnessMs
          ? cached.metadata
          : this.fetchAndRemember(id);
      }),
    );
  }

  private async fetchAndRemember(id: string): Promise<MessageMetadata | null> {
    const metadata = await this.limit(() => this.fetchMetadata(id));
    if (metadata !== null) this.service.remember(this.credential.userId, id, metadata);
    return metadata;
  }

  /** null when Gmail no longer has the message: one missing message is not a failure of the page. */
  private async fetchMetadata(id: string): Promise<MessageMetadata | null> {
    try {
      const { data } = await this.call(() =>
        this.gmail.users.messages.get(
          { userId: 'me', id, format: 'metadata', metadataHeaders: METADATA_HEADERS },
          { retry: false },
        ),
      );
      return toMetadata(data);
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      if (classifyGoogleError(error).kind === 'notFound') return null;
      throw error;
    }
  }

  /**
   * Runs one Gmail call with the retry policy and translates what is left into the error contract. A 401
   * refreshes the access token once (shared by concurrent callers) and replays the call.
   */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await withRetries(() => this.withOneRefreshOn401(request), this.deps.retry, this.deps.clock);
    } catch (error) {
      if (error instanceof RetriesExhaustedError) {
        if (error.kind.kind === 'rateLimited') {
          throw new RateLimitedError(
            error.kind.retryAfterSeconds ?? Math.ceil(this.deps.retry.budgetMs / 1000),
          );
        }
        throw new UpstreamUnavailableError('Gmail');
      }
      const kind = classifyGoogleError(error);
      switch (kind.kind) {
        case 'invalidGrant':
          throw await this.service.revoke(this.credential, 'REFRESH_TOKEN_REVOKED');
        case 'unauthorized':
          throw await this.service.revoke(this.credential, 'ACCESS_TOKEN_REJECTED');
        case 'insufficientScope':
          throw await this.deps.auth.reauthorizationError(
            ErrorCode.INSUFFICIENT_SCOPE,
            'The Gmail read scope is no longer granted; consent again at extensions.authorizationUrl.',
            { loginHint: this.credential.email, forceConsent: true },
          );
        case 'notFound':
        case 'client':
        case 'unknown':
        case 'rateLimited':
        case 'unavailable':
          throw error;
        default:
          return assertNever(kind);
      }
    }
  }

  private async withOneRefreshOn401<T>(request: () => Promise<T>): Promise<T> {
    const tokenUsed = this.client.credentials.access_token;
    try {
      return await request();
    } catch (error) {
      if (classifyGoogleError(error).kind !== 'unauthorized') throw error;
      // Another request may have refreshed already; refresh only if this client still holds the rejected token.
      if (this.client.credentials.access_token === tokenUsed) await this.client.refreshAccessToken();
      return request();
    }
  }
}

function cacheKey(userId: string, messageId: string): string {
  return `${userId}\u0000${messageId}`;
}

function toMetadata(message: gmail_v1.Schema$Message): MessageMetadata {
  const header = (name: string): string | null =>
    message.payload?.headers?.find((h) => h.name?.toLowerCase() === name.toLowerCase())?.value ?? null;
  const internalDate = Number(message.internalDate);
  return {
    subject: header('Subject'),
    from: header('From'),
    to: header('To'),
    date: message.internalDate && Number.isFinite(internalDate) ? new Date(internalDate) : null,
    snippet: message.snippet ?? null,
    labelIds: message.labelIds ?? [],
    sizeEstimate: message.sizeEstimate ?? null,
  };
}

/** Per cached message: the objects, the Date, the array and the cache's own bookkeeping, measured on Node 24. */
const ENTRY_OVERHEAD_BYTES = 320;

/**
 * An estimate of the heap one cache entry holds: strings at two bytes a character (V8 stores many in one, so this
 * errs high) plus a fixed overhead. A typical message of about 300 characters is estimated at about 1,000 bytes;
 * measured on Node 24, such an entry holds about 850.
 */
function metadataFootprint(metadata: MessageMetadata, key: string): number {
  let characters = key.length;
  for (const text of [metadata.subject, metadata.from, metadata.to, metadata.snippet]) {
    characters += text?.length ?? 0;
  }
  for (const label of metadata.labelIds) characters += label.length + 8;
  return ENTRY_OVERHEAD_BYTES + 2 * characters;
}
