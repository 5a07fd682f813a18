import { withRetries, RetriesExhaustedError, type RetryClock } from '../../src/upstream/retry';

function googleError(status: number, options: { retryAfter?: string; reason?: string } = {}) {
  return Object.assign(new Error(`status ${status}`), {
    response: {
      status,
      headers: options.retryAfter ? { 'retry-after': options.retryAfter } : {},
      data: options.reason ? { error: { errors: [{ reason: options.reason }] } } : {},
    },
  });
}

function fakeClock(): RetryClock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

const policy = { budgetMs: 5000, baseDelayMs: 100, maxAttempts: 5 };

describe('withRetries', () => {
  it('retries a 429 after the Retry-After delay, then returns the result', async () => {
    const clock = fakeClock();
    let calls = 0;
    const result = await withRetries(
      async () => {
        if (calls++ === 0) throw googleError(429, { retryAfter: '2' });
        return 'ok';
      },
      policy,
      clock,
      () => 0.5,
    );
    expect(result).toBe('ok');
    expect(clock.slept).toEqual([2000]);
  });

  it('retries 403 rateLimitExceeded and 5xx with growing backoff', async () => {
    const clock = fakeClock();
    const errors = [googleError(403, { reason: 'rateLimitExceeded' }), googleError(500), googleError(503)];
    const result = await withRetries(
      async () => {
        const error = errors.shift();
        if (error) throw error;
        return 'ok';
      },
      policy,
      clock,
      () => 1,
    );
    expect(result).toBe('ok');
    expect(clock.slept).toEqual([100, 200, 400]);
  });

  it('gives up with RetriesExhaustedError when Retry-After exceeds the budget, without sleeping', async () => {
    const clock = fakeClock();
    const attempt = withRetries(() => Promise.reject(googleError(429, { retryAfter: '60' })), policy, clock);
    await expect(attempt).rejects.toBeInstanceOf(RetriesExhaustedError);
    await expect(attempt).rejects.toMatchObject({ kind: { kind: 'rateLimited', retryAfterSeconds: 60 } });
    expect(clock.slept).toEqual([]);
  });

  it('never retries into a limit whose announced end lies beyond the budget', async () => {
    const clock = fakeClock();
    const retryAt = new Date(Date.now() + 15 * 60_000).toISOString();
    const limited = Object.assign(new Error('status 403'), {
      response: {
        status: 403,
        headers: {},
        data: {
          error: {
            message: `User-rate limit exceeded.  Retry after ${retryAt}`,
            errors: [{ reason: 'userRateLimitExceeded' }],
          },
        },
      },
    });
    let calls = 0;
    const attempt = withRetries(
      () => {
        calls++;
        return Promise.reject(limited);
      },
      policy,
      clock,
    );
    await expect(attempt).rejects.toBeInstanceOf(RetriesExhaustedError);
    expect(calls).toBe(1);
    expect(clock.slept).toEqual([]);
  });

  it('stops after the budget is spent on lasting failures', async () => {
    const clock = fakeClock();
    let calls = 0;
    const attempt = withRetries(
      () => {
        calls++;
        return Promise.reject(googleError(500));
      },
      { budgetMs: 1000, baseDelayMs: 300, maxAttempts: 10 },
      clock,
      () => 1,
    );
    await expect(attempt).rejects.toMatchObject({ kind: { kind: 'unavailable' } });
    expect(calls).toBe(3);
    expect(clock.now()).toBeLessThanOrEqual(1000);
  });

  it('does not retry errors that a retry cannot fix', async () => {
    let calls = 0;
    const notFound = googleError(404);
    await expect(
      withRetries(
        () => {
          calls++;
          return Promise.reject(notFound);
        },
        policy,
        fakeClock(),
      ),
    ).rejects.toBe(notFound);
    expect(calls).toBe(1);
  });

  it('stops retrying once the signal aborted, without another attempt', async () => {
    const clock = fakeClock();
    const controller = new AbortController();
    let attempts = 0;
    const attempt = withRetries(
      () => {
        attempts += 1;
        controller.abort(new Error('deadline'));
        return Promise.reject(googleError(503));
      },
      policy,
      clock,
      () => 0.5,
      controller.signal,
    );
    await expect(attempt).rejects.toMatchObject({ response: { status: 503 } });
    expect(attempts).toBe(1);
    expect(clock.slept).toEqual([]);
  });

  it('ends the wait between attempts when the signal aborts', async () => {
    const controller = new AbortController();
    let attempts = 0;
    const attempt = withRetries(
      () => {
        attempts += 1;
        return Promise.reject(googleError(429, { retryAfter: '3' }));
      },
      policy,
      undefined,
      () => 0.5,
      controller.signal,
    );
    setTimeout(() => controller.abort(new Error('client left')), 20);
    await expect(attempt).rejects.toThrow('client left');
    expect(attempts).toBe(1);
  });
});
