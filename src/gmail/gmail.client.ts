import type { OAuth2Client } from 'google-auth-library';
import { gmail_v1 } from 'googleapis/build/src/apis/gmail';
import { GatewayError } from '../errors';
import { classifyGoogleError } from '../upstream/google-errors';
import { RetriesExhaustedError, withRetries, type RetryClock, type RetryPolicy } from '../upstream/retry';
import { upstreamError, type GoogleCall } from '../upstream/upstream-error';
import type { Metrics } from '../metrics';
import type { CursorScope } from './message-cursor';
import type { ListCall } from './page-position';

// The only code that calls googleapis for Gmail. One per request and user. Every call goes through call(),
// which knows the Gmail method by name: the place where timeouts, quota accounting and a per-user concurrency
// limit belong.

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

export interface ListedPage {
  readonly messages: readonly MessageRef[];
  readonly nextPageToken: string | null;
  readonly resultSizeEstimate: number;
}

/** Gmail methods by the names Google's quota table uses. */
export type GmailMethod = 'messages.list' | 'messages.get';

export interface GmailClientOptions {
  /** Root URL for googleapis, e.g. the emulator's; undefined means Google's. */
  readonly apiRootUrl: string | undefined;
  readonly retry: RetryPolicy;
  readonly clock?: RetryClock;
  /** What refusals mean for this user (CREDENTIALS_REVOKED after marking the credential, INSUFFICIENT_SCOPE). */
  readonly refused: GoogleCall['refused'];
  /** Counts every HTTP call to Gmail by method and status. */
  readonly metrics: Pick<Metrics, 'gmailCall'>;
}

/** The headers the Message type exposes; the only ones asked for. */
const METADATA_HEADERS = ['Subject', 'From', 'To'];

export class GmailClient {
  private readonly gmail: gmail_v1.Gmail;
  private readonly errors: GoogleCall;

  constructor(
    private readonly client: OAuth2Client,
    private readonly options: GmailClientOptions,
  ) {
    this.gmail = new gmail_v1.Gmail({
      auth: client,
      ...(options.apiRootUrl === undefined ? {} : { rootUrl: options.apiRootUrl }),
    });
    this.errors = {
      upstream: 'Gmail',
      retryAfterFallbackSeconds: Math.ceil(options.retry.budgetMs / 1000),
      refused: options.refused,
      unexplainedIsUnavailable: false,
    };
  }

  async list(scope: CursorScope, list: ListCall): Promise<ListedPage> {
    const { data } = await this.call('messages.list', () =>
      this.gmail.users.messages.list(
        {
          userId: 'me',
          maxResults: list.maxResults,
          includeSpamTrash: scope.includeSpamTrash,
          ...(scope.query === '' ? {} : { q: scope.query }),
          ...(scope.labelIds.length === 0 ? {} : { labelIds: [...scope.labelIds] }),
          ...(list.pageToken === null ? {} : { pageToken: list.pageToken }),
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

  /** null when Gmail no longer has the message: one missing message is not a failure of the page. */
  async getMetadata(id: string): Promise<MessageMetadata | null> {
    try {
      const { data } = await this.call('messages.get', () =>
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
  private async call<T>(method: GmailMethod, request: () => Promise<T>): Promise<T> {
    try {
      return await withRetries(
        () => this.options.metrics.gmailCall(method, () => this.withOneRefreshOn401(request)),
        this.options.retry,
        this.options.clock,
      );
    } catch (error) {
      const kind = error instanceof RetriesExhaustedError ? error.kind : classifyGoogleError(error);
      throw (await upstreamError(kind, this.errors)) ?? error;
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
