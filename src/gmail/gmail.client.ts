import type { OAuth2Client } from 'google-auth-library';
import { gmail_v1 } from 'googleapis/build/src/apis/gmail';
import { UpstreamUnavailableError } from '../errors';
import type { GmailMeter } from '../quota/gmail-budget';
import type { GmailQuotaMethod } from '../quota/gmail-costs';
import { classifyGoogleError } from '../upstream/google-errors';
import {
  realClock,
  RetriesExhaustedError,
  withRetries,
  type RetryClock,
  type RetryPolicy,
} from '../upstream/retry';
import type { OperatorFaultReporter } from '../upstream/operator-faults';
import { upstreamError, type GoogleCall } from '../upstream/upstream-error';
import type { Metrics } from '../metrics';
import {
  formatParams,
  toLabel,
  toLabelCounts,
  toLoadedMessage,
  type GmailLabel,
  type LabelCounts,
  type ListedPage,
  type LoadedMessage,
  type LoadedThread,
  type MessageRef,
  type ThreadRef,
} from './gmail-reads';
import { CallSignals, listParams, orNullWhenNotFound, type CallOptions } from './gmail-call';
import { GmailBatch, type GmailFetchMode } from './gmail-batch';
import type { CursorScope } from './message-cursor';
import type { MessageFetch } from './message-fetch';
import type { ListCall } from './page-position';
import type { UserConcurrency } from './user-concurrency';

// The only code that calls googleapis for Gmail. One per request and user. Every call goes through call(),
// which knows the Gmail method by name: the place where timeouts, quota accounting and a per-user concurrency
// limit belong.

export type { ListedPage, MessageMetadata, MessageRef } from './gmail-reads';

/** Gmail methods by the names Google's quota table uses. */
export type GmailMethod = GmailQuotaMethod;

export interface GmailClientOptions {
  /** Root URL for googleapis, e.g. the emulator's; undefined means Google's. */
  readonly apiRootUrl: string | undefined;
  readonly retry: RetryPolicy;
  /** Charges every attempt to the request's Gmail budget (reserving it before the first). */
  readonly meter: GmailMeter;
  readonly clock?: RetryClock;
  /** What refusals mean for this user (CREDENTIALS_REVOKED after marking the credential, INSUFFICIENT_SCOPE). */
  readonly refused: GoogleCall['refused'];
  /** Where an operator fault (OAuth client rejected, Gmail API disabled) is logged. */
  readonly operatorFaults: OperatorFaultReporter;
  /** The Google user id the calls are for: the key of the per-user concurrency limit. */
  readonly userId: string;
  /** Shared by every request of this instance (created once per process). */
  readonly concurrency: UserConcurrency;
  /** Timeout of one call to Gmail, connect and answer, e.g. 10000 (GOOGLE_TIMEOUT_MS). */
  readonly timeoutMs: number;
  /** The request's deadline and hang-up: aborting it aborts every call of this client, retries included. */
  readonly signal?: AbortSignal;
  /** Counts every HTTP call to Gmail by method and status. */
  readonly metrics: Pick<Metrics, 'gmailCall'>;
  /** 'batch': message gets leave in Gmail's HTTP batch calls (GMAIL_FETCH_MODE); default 'parallel'. */
  readonly fetchMode?: GmailFetchMode;
}

export class GmailClient {
  private readonly gmail: gmail_v1.Gmail;
  private readonly errors: GoogleCall;
  /** The calls' timeouts and the request's abort, shared by every call of this client. */
  private readonly signals: CallSignals;
  /** Set in batch mode: each get is still its own call() (charged, slotted, retried), sent in a batch. */
  private readonly batch: GmailBatch | undefined;

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
      operatorFaults: options.operatorFaults,
    };
    this.signals = new CallSignals(options.timeoutMs, options.signal);
    this.batch =
      options.fetchMode === 'batch'
        ? new GmailBatch(client, { apiRootUrl: options.apiRootUrl, signals: this.signals })
        : undefined;
  }

  async list(scope: CursorScope, list: ListCall): Promise<ListedPage<MessageRef>> {
    const { data } = await this.call('messages.list', (options) =>
      this.gmail.users.messages.list({ userId: 'me', ...listParams(scope, list) }, options),
    );
    return {
      items: (data.messages ?? []).flatMap((m) => (m.id ? [{ id: m.id, threadId: m.threadId ?? m.id }] : [])),
      nextPageToken: data.nextPageToken ?? null,
      resultSizeEstimate: data.resultSizeEstimate ?? 0,
    };
  }

  async listThreads(scope: CursorScope, list: ListCall): Promise<ListedPage<ThreadRef>> {
    const { data } = await this.call('threads.list', (options) =>
      this.gmail.users.threads.list({ userId: 'me', ...listParams(scope, list) }, options),
    );
    return {
      items: (data.threads ?? []).flatMap((t) => (t.id ? [{ id: t.id, snippet: t.snippet ?? null }] : [])),
      nextPageToken: data.nextPageToken ?? null,
      resultSizeEstimate: data.resultSizeEstimate ?? 0,
    };
  }

  /** One `messages.get` as `fetch` says; null when Gmail has no such message. */
  getMessage(id: string, fetch: MessageFetch): Promise<LoadedMessage | null> {
    return orNullWhenNotFound(async () => {
      const { data } = await this.call('messages.get', (options) =>
        this.batch
          ? this.batch.get<gmail_v1.Schema$Message>(
              `/gmail/v1/users/me/messages/${encodeURIComponent(id)}`,
              formatParams(fetch),
            )
          : this.gmail.users.messages.get({ userId: 'me', id, ...formatParams(fetch) }, options),
      );
      return toLoadedMessage(data, fetch);
    });
  }

  /** One `threads.get`, its messages read as `fetch` says; null when Gmail has no such thread. */
  getThread(id: string, fetch: MessageFetch): Promise<LoadedThread | null> {
    return orNullWhenNotFound(async () => {
      const { data } = await this.call('threads.get', (options) =>
        this.gmail.users.threads.get({ userId: 'me', id, ...formatParams(fetch) }, options),
      );
      const messages = (data.messages ?? []).flatMap((m) => toLoadedMessage(m, fetch) ?? []);
      return {
        id: data.id ?? id,
        snippet: data.snippet ?? messages.at(-1)?.metadata.snippet ?? null,
        messages,
      };
    });
  }

  async listLabels(): Promise<GmailLabel[]> {
    const { data } = await this.call('labels.list', (options) =>
      this.gmail.users.labels.list({ userId: 'me' }, options),
    );
    return (data.labels ?? []).flatMap((label) => toLabel(label) ?? []);
  }

  /** A label's counts (`labels.get`); null when the label is gone. */
  getLabelCounts(id: string): Promise<LabelCounts | null> {
    return orNullWhenNotFound(async () => {
      const { data } = await this.call('labels.get', (options) =>
        this.gmail.users.labels.get({ userId: 'me', id }, options),
      );
      return toLabelCounts(data);
    });
  }

  /**
   * An attachment's bytes (`messages.attachments.get`), decoded from base64url; null when Gmail has none. Gmail
   * answers with the whole attachment in one JSON body, so this holds that one attachment, never more.
   */
  getAttachment(messageId: string, attachmentId: string): Promise<Buffer | null> {
    return orNullWhenNotFound(async () => {
      const { data } = await this.call('messages.attachments.get', (options) =>
        this.gmail.users.messages.attachments.get({ userId: 'me', messageId, id: attachmentId }, options),
      );
      return typeof data.data === 'string' ? Buffer.from(data.data, 'base64url') : null;
    });
  }

  /**
   * Runs one Gmail call with the retry policy and translates what is left into the error contract. A 401
   * refreshes the access token once (shared by concurrent callers) and replays the call. Each attempt waits for
   * one of the user's concurrency slots; once the request's signal aborts (deadline or hang-up), the call
   * answers UPSTREAM_UNAVAILABLE at once, whatever it was waiting on.
   */
  private async call<T>(method: GmailMethod, request: (options: CallOptions) => Promise<T>): Promise<T> {
    const { signal } = this.options;
    // Every attempt is charged to the budget before it starts, then waits for a concurrency slot.
    const attempt = () => this.options.meter.attempt(method, () => this.inFlight(request));
    try {
      return await this.signals.untilAborted(
        withRetries(
          () => this.options.metrics.gmailCall(method, () => this.withOneRefreshOn401(attempt)),
          this.options.retry,
          this.options.clock,
          undefined,
          signal,
        ),
      );
    } catch (error) {
      if (signal?.aborted) throw new UpstreamUnavailableError('Gmail');
      const kind = error instanceof RetriesExhaustedError ? error.kind : classifyGoogleError(error);
      throw (await upstreamError(kind, this.errors)) ?? error;
    }
  }

  /** One HTTP call to Gmail, holding one of the user's concurrency slots while it is out. */
  private inFlight<T>(request: (options: CallOptions) => Promise<T>): Promise<T> {
    return this.options.concurrency.run(
      this.options.userId,
      () => this.signals.send((callSignal) => request({ retry: false, timeout: 0, signal: callSignal })),
      this.options.signal,
    );
  }

  /**
   * Google sometimes answers 401 right after a successful refresh, for a token it just issued: a replay that
   * gets 401 again is tried once more after a pause, with that same fresh token, and a 401 after that is
   * Gmail failing (UPSTREAM_UNAVAILABLE), never a revocation. Only the refresh itself can say that the grant
   * is dead (`invalid_grant`, thrown from refreshAccessToken: CREDENTIALS_REVOKED).
   */
  private async withOneRefreshOn401<T>(request: () => Promise<T>): Promise<T> {
    const tokenUsed = this.client.credentials.access_token;
    try {
      return await request();
    } catch (error) {
      if (classifyGoogleError(error).kind !== 'unauthorized') throw error;
    }
    // Another request may have refreshed already; refresh only if this client still holds the rejected token.
    if (this.client.credentials.access_token === tokenUsed) await this.client.refreshAccessToken();
    try {
      return await request();
    } catch (error) {
      if (classifyGoogleError(error).kind !== 'unauthorized') throw error;
    }
    await (this.options.clock ?? realClock).sleep(this.options.retry.baseDelayMs);
    return request();
  }
}
