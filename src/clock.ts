import { setTimeout as delay } from 'node:timers/promises';

/**
 * The gateway's one source of time: expiry of sessions, credentials and sign-in requests, the freshness of
 * cached labels, and the waits and budget of Gmail retries all read it. Created once per process and passed in
 * (`GatewayDeps.clock`), so that a test can move time for all of them at once.
 */
export interface Clock {
  now(): Date;
  /** Resolves after `ms`; rejects with the signal's reason when it is aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Wall-clock time and real timers. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: async (ms, signal) => {
    try {
      await delay(ms, undefined, signal ? { signal } : {});
    } catch (error) {
      // Node rejects with its own AbortError; the contract is the signal's reason (the deadline, the hang-up).
      throw signal?.aborted ? signal.reason : error;
    }
  },
};
