import { getEventListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { CallSignals } from '../../src/gmail/gmail-call';

// The timeouts and aborts of one request's Gmail calls: each call runs under a signal of its own, aborted at the
// call's timeout or with the request's signal, and released (timer cleared) as soon as the call settles, so that
// nothing of a finished call stays reachable until its timer would have fired.

/** A call that never answers by itself: it settles only when its signal aborts, with the signal's reason. */
function untilAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
}

describe('CallSignals', () => {
  it('aborts a call that outlives its timeout with a TimeoutError, as gaxios reports its own timeout', async () => {
    const error: unknown = await new CallSignals(30, undefined).send(untilAbort).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('TimeoutError');
  });

  it("aborts every running call with the request's reason when the request's signal aborts", async () => {
    const request = new AbortController();
    const signals = new CallSignals(60_000, request.signal);
    const reason = new DOMException('The client closed the connection', 'AbortError');
    const calls = [signals.send(untilAbort), signals.send(untilAbort)].map((c) => c.catch((e: unknown) => e));
    request.abort(reason);

    expect(await Promise.all(calls)).toEqual([reason, reason]);
  });

  it('starts a call already aborted when the request was aborted before it', async () => {
    const request = new AbortController();
    request.abort(new DOMException('The request passed its deadline', 'TimeoutError'));
    let seen: AbortSignal | undefined;

    await new CallSignals(60_000, request.signal).send(async (signal) => {
      seen = signal;
    });

    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBe(request.signal.reason);
  });

  it("puts one listener on the request's signal for all of the request's calls", async () => {
    const request = new AbortController();
    const signals = new CallSignals(60_000, request.signal);

    await Promise.all(Array.from({ length: 20 }, () => signals.send(async () => 'answer')));

    expect(getEventListeners(request.signal, 'abort')).toHaveLength(1);
  });

  it('lets go of a finished call: its timer never fires', async () => {
    let callSignal: AbortSignal | undefined;

    const answer = await new CallSignals(30, new AbortController().signal).send(async (signal) => {
      callSignal = signal;
      return 'answer';
    });
    await sleep(90);

    expect(answer).toBe('answer');
    expect(callSignal?.aborted).toBe(false);
  });

  it('lets go of a failed call the same way, and passes its error on', async () => {
    const failure = new Error('Gmail said no');
    let callSignal: AbortSignal | undefined;

    const error = await new CallSignals(30, new AbortController().signal)
      .send(async (signal) => {
        callSignal = signal;
        throw failure;
      })
      .catch((e: unknown) => e);
    await sleep(90);

    expect(error).toBe(failure);
    expect(callSignal?.aborted).toBe(false);
  });

  it("abandons what a call still waits on once the request's signal aborts", async () => {
    const request = new AbortController();
    const reason = new DOMException('The request passed its deadline', 'TimeoutError');
    const waiting = new CallSignals(60_000, request.signal)
      .untilAborted(new Promise<never>(() => undefined))
      .catch((e: unknown) => e);
    request.abort(reason);

    expect(await waiting).toBe(reason);
  });
});
