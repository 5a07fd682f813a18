import { getEventListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { withCallDeadline, type GmailCallOptions } from '../../src/gmail/call-deadline';

// The timeout of one Gmail call: its own signal, aborted at the timeout or with the request's signal, and
// released (timer cleared, listener removed) as soon as the call settles, so that nothing of a finished call
// stays reachable until its timer would have fired.

/** A call that never answers by itself: it settles only when its signal aborts, with the signal's reason. */
function untilAbort(options: GmailCallOptions): Promise<never> {
  return new Promise((_resolve, reject) => {
    options.signal.addEventListener('abort', () => reject(options.signal.reason as Error), { once: true });
  });
}

describe('withCallDeadline', () => {
  it('aborts a call that outlives its timeout with a TimeoutError, as gaxios reports its own timeout', async () => {
    const error: unknown = await withCallDeadline(30, undefined, untilAbort).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('TimeoutError');
  });

  it("aborts the call with the request's reason when the request's signal aborts", async () => {
    const request = new AbortController();
    const reason = new DOMException('The client closed the connection', 'AbortError');
    const call = withCallDeadline(60_000, request.signal, untilAbort).catch((e: unknown) => e);
    request.abort(reason);

    expect(await call).toBe(reason);
  });

  it('starts the call already aborted when the request was aborted before it', async () => {
    const request = new AbortController();
    request.abort(new DOMException('The request passed its deadline', 'TimeoutError'));
    let seen: AbortSignal | undefined;

    await withCallDeadline(60_000, request.signal, async (options) => {
      seen = options.signal;
    });

    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBe(request.signal.reason);
  });

  it('hands the call gaxios options with retries and gaxios’s own timeout turned off', async () => {
    const options = await withCallDeadline(60_000, undefined, async (o) => o);

    expect(options.retry).toBe(false);
    expect(options.timeout).toBe(0);
    expect(options.signal).toBeInstanceOf(AbortSignal);
  });

  it("lets go of a finished call: no listener left on the request's signal, and its timer never fires", async () => {
    const request = new AbortController();
    let callSignal: AbortSignal | undefined;

    const answer = await withCallDeadline(30, request.signal, async (options) => {
      callSignal = options.signal;
      expect(getEventListeners(request.signal, 'abort')).toHaveLength(1);
      return 'answer';
    });
    await sleep(90);

    expect(answer).toBe('answer');
    expect(getEventListeners(request.signal, 'abort')).toHaveLength(0);
    expect(callSignal?.aborted).toBe(false);
  });

  it('lets go of a failed call the same way, and passes its error on', async () => {
    const request = new AbortController();
    const failure = new Error('Gmail said no');
    let callSignal: AbortSignal | undefined;

    const error = await withCallDeadline(30, request.signal, async (options) => {
      callSignal = options.signal;
      throw failure;
    }).catch((e: unknown) => e);
    await sleep(90);

    expect(error).toBe(failure);
    expect(getEventListeners(request.signal, 'abort')).toHaveLength(0);
    expect(callSignal?.aborted).toBe(false);
  });
});
