// The timeout of one Gmail call, as a signal of its own that is released the moment the call settles.
//
// gaxios's own `timeout` option makes an `AbortSignal.timeout()` per call and joins it to the request's signal
// with `AbortSignal.any()`; fetch's abort listener on that joined signal makes Node keep it, and what it
// reaches, alive until the timer fires, GOOGLE_TIMEOUT_MS after a call that took milliseconds. Under load that
// is every call of the last ten seconds held on the heap (about 1.1 KB each, measured on Node 24). A plain
// AbortController with a timer cleared on settle holds nothing once the call is over.

/**
 * The googleapis options of one Gmail call: gaxios retries off (withRetries decides) and the call's own signal.
 * `timeout: 0` turns off gaxios's timeout for the call, including the default the OAuth client's transporter
 * sets for everything it sends (GOOGLE_TIMEOUT_MS, which still bounds token refreshes): the signal is the timeout.
 */
export interface GmailCallOptions {
  readonly retry: false;
  readonly timeout: 0;
  readonly signal: AbortSignal;
}

/**
 * Runs `run` with a signal that aborts after `timeoutMs` (a `TimeoutError`, as gaxios's own timeout reports
 * it) or when `outer` (the request's deadline and hang-up) aborts, with `outer`'s reason. The timer and the
 * listener on `outer` are removed as soon as `run` settles.
 */
export async function withCallDeadline<T>(
  timeoutMs: number,
  outer: AbortSignal | undefined,
  run: (options: GmailCallOptions) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, timeoutMs);
  const forward = (): void => controller.abort(outer?.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener('abort', forward, { once: true });
  try {
    return await run({ retry: false, timeout: 0, signal: controller.signal });
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', forward);
  }
}
