import type { ServerResponse } from 'node:http';

/**
 * One per request: a signal that aborts at the request's deadline (REQUEST_TIMEOUT_MS) or when the client hangs
 * up before its answer, whichever comes first. Gmail calls run under it, so that neither a stalled Google nor a
 * client that left keeps the request's calls, slots and memory alive; past the deadline the fields still waiting
 * on Gmail answer UPSTREAM_UNAVAILABLE and the response goes out.
 */
export function requestDeadline(res: ServerResponse, timeoutMs: number): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new DOMException('The request passed its deadline', 'TimeoutError'));
  }, timeoutMs);
  // 'close' comes after the answer was sent, or when the connection dropped before that: only the latter aborts.
  res.once('close', () => {
    clearTimeout(timer);
    if (!res.writableFinished) {
      controller.abort(new DOMException('The client closed the connection', 'AbortError'));
    }
  });
  return controller.signal;
}
