import { randomBytes } from 'node:crypto';
import type { OAuth2Client } from 'google-auth-library';
import { batchRequestBody, parseBatchAnswer, type BatchAnswerPart } from './batch-multipart';
import { headerOf } from '../upstream/google-errors';
import type { CallSignals } from './gmail-call';

// Gmail's HTTP batch endpoint (`POST /batch/gmail/v1`) for the gets of one request: googleapis has no batch
// support, so the multipart request is written here and sent with the user's OAuth2Client (which adds the
// access token and refreshes it when it has expired, as for any call). Each inner call is still a call of
// GmailClient's own: it is charged, holds a concurrency slot, is counted, retried and translated one by one,
// and only then handed here; the gets that reach this point in the same turn of the event loop leave together.

/** How a request's message reads reach Gmail (GMAIL_FETCH_MODE): one HTTP call each, or batched. */
export type GmailFetchMode = 'parallel' | 'batch';
export const GMAIL_FETCH_MODES: readonly GmailFetchMode[] = ['parallel', 'batch'];
/** Chosen by the benchmark (README, "Gmail batch"): batch only if it wins on both latency and throughput. */
export const DEFAULT_GMAIL_FETCH_MODE: GmailFetchMode = 'parallel';

/** Google allows 100 calls per batch and advises at most 50. */
export const MAX_CALLS_PER_BATCH = 50;

const GOOGLE_ROOT_URL = 'https://gmail.googleapis.com/';

export interface GmailBatchOptions {
  /** Root URL for Gmail, e.g. the emulator's; undefined means Google's. */
  readonly apiRootUrl: string | undefined;
  /**
   * The request's Gmail call signals (GmailClient's): each batch call runs under GOOGLE_TIMEOUT_MS and aborts
   * with the request, as a call sent alone does.
   */
  readonly signals: CallSignals;
}

/**
 * A failed inner call, or a batch answer the gateway could not use, shaped like a googleapis error
 * (`response.status`, `response.data`, `response.headers`), so that the error classification, the retries and
 * the metrics read it exactly as they read a call sent alone. An unusable answer is a 502: retried, then
 * UPSTREAM_UNAVAILABLE; never "no such message".
 */
export class GmailBatchCallError extends Error {
  readonly status: number;
  readonly response: {
    readonly status: number;
    readonly data: unknown;
    readonly headers: Readonly<Record<string, string>>;
  };

  constructor(status: number, data: unknown, headers: Readonly<Record<string, string>>, message: string) {
    super(message);
    this.name = 'GmailBatchCallError';
    this.status = status;
    this.response = { status, data, headers };
  }

  static unusable(reason: string): GmailBatchCallError {
    return new GmailBatchCallError(502, undefined, {}, `Gmail batch: ${reason}`);
  }
}

interface PendingCall {
  readonly target: string;
  resolve(data: unknown): void;
  reject(error: unknown): void;
}

/** One per GmailClient (one request and user). Holds only the calls of the current turn. */
export class GmailBatch {
  private pending: PendingCall[] = [];
  private readonly url: string;

  constructor(
    private readonly client: OAuth2Client,
    private readonly options: GmailBatchOptions,
  ) {
    this.url = new URL('batch/gmail/v1', options.apiRootUrl ?? GOOGLE_ROOT_URL).toString();
  }

  /**
   * One GET (e.g. `/gmail/v1/users/me/messages/<id>`) sent in the next batch; resolves like googleapis
   * (`{ data }`), rejects with a {@link GmailBatchCallError} carrying Google's status and body for that call
   * alone, or with the batch call's own error (timeout, abort, 5xx) when the whole batch failed.
   */
  get<T>(
    path: string,
    params: Readonly<Record<string, string | readonly string[] | undefined>>,
  ): Promise<{ data: T }> {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      for (const one of typeof value === 'string' ? [value] : (value ?? [])) query.append(name, one);
    }
    const target = query.size === 0 ? path : `${path}?${query.toString()}`;
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ target, resolve: (data) => resolve({ data: data as T }), reject });
    });
  }

  private flush(): void {
    const calls = this.pending;
    this.pending = [];
    for (let start = 0; start < calls.length; start += MAX_CALLS_PER_BATCH) {
      void this.send(calls.slice(start, start + MAX_CALLS_PER_BATCH));
    }
  }

  /** Never rejects: every call of the batch settles with its own answer or with the batch's failure. */
  private async send(calls: readonly PendingCall[]): Promise<void> {
    const boundary = `batch_${randomBytes(18).toString('base64url')}`;
    const ids = calls.map((_call, index) => `<call-${index}>`);
    let answers: BatchAnswerPart[];
    try {
      const data = batchRequestBody(
        boundary,
        calls.map((call, index) => ({ contentId: ids[index], target: call.target })),
      );
      const response = await this.options.signals.send((signal) =>
        this.client.request<string>({
          url: this.url,
          method: 'POST',
          headers: { 'Content-Type': `multipart/mixed; boundary=${boundary}` },
          data,
          responseType: 'text',
          retry: false,
          // The signal carries the timeout (see CallSignals); gaxios' own would add a timer and signals per call.
          timeout: 0,
          signal,
        }),
      );
      const contentType = headerOf(response.headers, 'content-type');
      answers = parseBatchAnswer(typeof contentType === 'string' ? contentType : null, String(response.data));
    } catch (error) {
      const failure = batchFailure(error);
      for (const call of calls) call.reject(failure);
      return;
    }
    const byId = new Map(answers.map((answer) => [answer.contentId, answer]));
    calls.forEach((call, index) => {
      const answer = byId.get(ids[index]);
      if (answer === undefined) call.reject(GmailBatchCallError.unusable('no answer for a call'));
      else settle(call, answer);
    });
  }
}

function settle(call: PendingCall, answer: BatchAnswerPart): void {
  let data: unknown;
  try {
    data = answer.body.trim() === '' ? undefined : JSON.parse(answer.body);
  } catch {
    data = undefined;
    if (answer.status < 300) {
      call.reject(GmailBatchCallError.unusable('an answer is not JSON'));
      return;
    }
  }
  if (answer.status >= 200 && answer.status < 300) call.resolve(data);
  else
    call.reject(
      new GmailBatchCallError(answer.status, data, answer.headers, `Gmail answered ${answer.status}`),
    );
}

/**
 * What every call of a failed batch sees. The batch call's own error stays as it is (a timeout, an abort, a
 * 401, 429 or 5xx mean the same for each call); a batch Gmail refused as malformed (400, 404) or an answer that
 * does not read becomes a 502, so that no call takes it for its message being missing.
 */
function batchFailure(error: unknown): unknown {
  const status = (error as { response?: { status?: unknown } } | null)?.response?.status;
  if (status === 400 || status === 404)
    return GmailBatchCallError.unusable(`the batch was refused (${status})`);
  if (error instanceof Error && error.name === 'BatchAnswerUnreadableError') {
    return GmailBatchCallError.unusable(error.message);
  }
  return error;
}
