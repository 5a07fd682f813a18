import { UserConcurrency } from '../../src/gmail/user-concurrency';

// The limiter itself: slots per user, first come first served, abort while waiting, and no memory kept for a
// user with nothing running.

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('UserConcurrency', () => {
  it('runs at most `limit` tasks of one user at once, the others in arrival order', async () => {
    const limiter = new UserConcurrency(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      limiter.run('u1', async () => {
        started.push(i);
        await gate.promise;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    gates[3]!.resolve();
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('does not make one user wait for another', async () => {
    const limiter = new UserConcurrency(1);
    const busy = deferred();
    const first = limiter.run('u1', () => busy.promise);
    await expect(limiter.run('u2', async () => 'ran')).resolves.toBe('ran');
    busy.resolve();
    await first;
  });

  it('gives up a waiting place when the signal aborts, and frees the slot of a task that failed', async () => {
    const limiter = new UserConcurrency(1);
    const busy = deferred();
    const holder = limiter.run('u1', async () => {
      await busy.promise;
      throw new Error('Gmail said no');
    });
    const controller = new AbortController();
    let ranAbandoned = false;
    const abandoned = limiter.run(
      'u1',
      async () => {
        ranAbandoned = true;
      },
      controller.signal,
    );
    controller.abort(new Error('deadline'));
    await expect(abandoned).rejects.toThrow('deadline');
    busy.resolve();
    await expect(holder).rejects.toThrow('Gmail said no');
    await expect(limiter.run('u1', async () => 'next')).resolves.toBe('next');
    expect(ranAbandoned).toBe(false);
  });

  it('refuses at once when the signal is already aborted', async () => {
    const limiter = new UserConcurrency(1);
    await expect(limiter.run('u1', async () => 'x', AbortSignal.abort(new Error('gone')))).rejects.toThrow(
      'gone',
    );
    expect(limiter.trackedUsers).toBe(0);
  });

  it('keeps no entry for a user once their last task ended', async () => {
    const limiter = new UserConcurrency(3);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => limiter.run(`user-${i % 10}`, async () => undefined)),
    );
    expect(limiter.trackedUsers).toBe(0);
  });
});
