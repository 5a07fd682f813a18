import { performance } from 'node:perf_hooks';

export interface LoadOptions {
  /** Workers, each with one request in flight at a time (closed loop). */
  readonly concurrency: number;
  /** Workers start no new request after this. */
  readonly durationMs: number;
  /** Hard bound on requests started, whatever the duration. */
  readonly maxRequests: number;
}

export interface LoadResult {
  readonly completed: number;
  /** From the first request to the last answer (in-flight requests at the deadline are waited for and counted). */
  readonly elapsedMs: number;
  readonly requestsPerSecond: number;
  readonly latenciesMs: readonly number[];
}

/**
 * Runs `operation` in `concurrency` closed loops until the duration or the request budget is spent. An operation
 * that throws (an unexpected answer) stops every worker and fails the measurement: a benchmark that counts errors
 * as throughput measures nothing. `operation` returning false means its worker has no more work.
 */
export async function runLoad(
  options: LoadOptions,
  operation: (worker: number) => Promise<boolean | void>,
): Promise<LoadResult> {
  const started = performance.now();
  const deadline = started + options.durationMs;
  const latenciesMs: number[] = [];
  let startedRequests = 0;
  let failure: unknown;
  const worker = async (index: number): Promise<void> => {
    while (failure === undefined && performance.now() < deadline && startedRequests < options.maxRequests) {
      startedRequests++;
      const before = performance.now();
      try {
        const more = await operation(index);
        latenciesMs.push(performance.now() - before);
        if (more === false) return;
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => worker(i)));
  if (failure !== undefined) throw failure;
  const elapsedMs = performance.now() - started;
  return {
    completed: latenciesMs.length,
    elapsedMs,
    requestsPerSecond: (latenciesMs.length * 1000) / elapsedMs,
    latenciesMs,
  };
}

/** Adds up rounds of the same measurement (interleaved with others' rounds to cancel drift). */
export function combine(results: readonly LoadResult[]): LoadResult {
  const completed = results.reduce((sum, r) => sum + r.completed, 0);
  const elapsedMs = results.reduce((sum, r) => sum + r.elapsedMs, 0);
  return {
    completed,
    elapsedMs,
    requestsPerSecond: (completed * 1000) / elapsedMs,
    latenciesMs: results.flatMap((r) => r.latenciesMs),
  };
}

/**
 * Warms every kind up once, then measures the kinds in interleaved rounds, so that whatever drifts during a run
 * (CPU frequency, other processes, V8 resizing its heap) weighs on every kind alike.
 */
export async function interleavedRounds<K extends string, M>(
  kinds: readonly K[],
  schedule: { readonly warmupMs: number; readonly rounds: number; readonly roundMs: number },
  measure: (kind: K, durationMs: number) => Promise<M>,
  logRound: (kind: K, round: number, measured: M) => void,
): Promise<Record<K, M[]>> {
  for (const kind of kinds) await measure(kind, schedule.warmupMs);
  const rounds = Object.fromEntries(kinds.map((kind) => [kind, [] as M[]])) as Record<K, M[]>;
  for (let round = 1; round <= schedule.rounds; round++) {
    for (const kind of kinds) {
      const measured = await measure(kind, schedule.roundMs);
      rounds[kind].push(measured);
      logRound(kind, round, measured);
    }
  }
  return rounds;
}
