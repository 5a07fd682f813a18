import { GatewayError } from '../errors';
import { classifyGoogleError } from '../upstream/google-errors';
import type { CursorScope } from './message-cursor';
import type { ListCall } from './page-position';

// What every Gmail call of GmailClient shares and is not the call itself: the list parameters, the calls'
// signals and abandon-on-abort race, and what "Gmail has no such thing" looks like.

/**
 * googleapis options of one Gmail call: gaxios retries off (withRetries decides); the signal carries the call's
 * timeout and the request's abort, so gaxios' own `timeout`, which the OAuth client's transporter sets for every
 * request it makes (refreshes too), is 0 (off) for these calls.
 */
export interface CallOptions {
  readonly retry: false;
  readonly timeout: 0;
  readonly signal: AbortSignal;
}

/**
 * One per GmailClient, so one per request: the signal each Gmail call runs under, which aborts at the call's own
 * timeout (GOOGLE_TIMEOUT_MS) or when the request's signal aborts, and the race that abandons whatever a call is
 * still waiting on once the request's signal aborts. The request's signal gets one listener for all its calls,
 * and a call's timer is cleared when the call settles: gaxios' `timeout` option would make an
 * AbortSignal.timeout and an AbortSignal.any for every call, each timer firing later anyway.
 */
export class CallSignals {
  private readonly running = new Set<AbortController>();
  /** Rejects with the request signal's reason once it aborts; never settles before. */
  private readonly aborted: Promise<never> | undefined;

  /** @param timeoutMs One call's timeout, connect and answer, e.g. 10000. */
  constructor(
    private readonly timeoutMs: number,
    private readonly requestSignal: AbortSignal | undefined,
  ) {
    if (requestSignal === undefined) return;
    this.aborted = new Promise<never>((_resolve, reject) => {
      const abort = (): void => {
        const reason = requestSignal.reason as Error;
        for (const controller of this.running) controller.abort(reason);
        reject(reason);
      };
      if (requestSignal.aborted) abort();
      else requestSignal.addEventListener('abort', abort, { once: true });
    });
    // Only the races below answer the rejection; with none running it is not an error.
    this.aborted.catch(() => undefined);
  }

  /** Runs one HTTP call under its own signal, aborted at the timeout or with the request. */
  async send<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    if (this.requestSignal?.aborted) controller.abort(this.requestSignal.reason);
    const timer = setTimeout(() => {
      controller.abort(new DOMException('The Gmail call passed its timeout', 'TimeoutError'));
    }, this.timeoutMs);
    this.running.add(controller);
    try {
      return await call(controller.signal);
    } finally {
      clearTimeout(timer);
      this.running.delete(controller);
    }
  }

  /**
   * Settles with `promise`, or rejects as soon as the request's signal aborts. What is still running (a token
   * refresh shared with the user's other requests, which the signal does not reach) finishes in the background,
   * bounded by its own timeout.
   */
  untilAborted<T>(promise: Promise<T>): Promise<T> {
    return this.aborted === undefined ? promise : Promise.race([promise, this.aborted]);
  }
}

/** The list parameters shared by messages.list and threads.list. */
export function listParams(scope: CursorScope, list: ListCall) {
  return {
    maxResults: list.maxResults,
    includeSpamTrash: scope.includeSpamTrash,
    ...(scope.query === '' ? {} : { q: scope.query }),
    ...(scope.labelIds.length === 0 ? {} : { labelIds: [...scope.labelIds] }),
    ...(list.pageToken === null ? {} : { pageToken: list.pageToken }),
  };
}

/**
 * A read by id of something Gmail may not have: 404 is null, not a failure of the whole answer. So is a 400:
 * in these reads everything but the id is the gateway's own (format, headers), so Gmail's 400 ("Invalid id
 * value") means an id that cannot name anything, which a client may well send.
 */
export async function orNullWhenNotFound<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    const kind = classifyGoogleError(error);
    if (kind.kind === 'notFound' || (kind.kind === 'client' && kind.status === 400)) return null;
    throw error;
  }
}
