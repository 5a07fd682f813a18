import { cpuPerRequest, withCpu, type CpuTotals, type UsageSource } from '../cpu';
import type { HttpClient } from '../http-client';
import type { ChildProcessHandle } from '../ipc';
import { combine, interleavedRounds, runLoad } from '../load';
import type { Plan } from '../options';
import type { StandInsApi } from '../stand-ins-process';
import { median } from '../stats';
import type { CachedPages, DirectCursors, UncachedPages } from '../workload';

export interface ThroughputSummary {
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  /** messages.get calls the emulator answered per page during the measurement (20 uncached, 0 cached). */
  readonly getsPerPage: number;
  /** CPU time per page in each process (gateway, direct, standIns, generator), ms. */
  readonly cpuMsPerPage: CpuTotals;
  /** Resident memory of each process after this kind's last round, MiB. */
  readonly rssMBAfter: Readonly<Record<string, number>>;
}

export interface ThroughputResult {
  readonly gatewayUncached: ThroughputSummary;
  readonly direct: ThroughputSummary;
  readonly gatewayCached: ThroughputSummary;
}

type Kind = keyof ThroughputResult;

/**
 * `throughputVsDirect` and `cachedVsUncached` at zero emulator latency, the same number of workers for every
 * kind. The three kinds run in interleaved rounds (gateway uncached, direct, gateway cached, again...), so that
 * drift in the machine's speed hits all of them alike; rounds of one kind are added up.
 */
export async function measureThroughput(options: {
  readonly plan: Plan;
  readonly standIns: ChildProcessHandle<StandInsApi>;
  /** The processes whose CPU time is accounted: gateway, direct baseline, stand-ins. */
  readonly processes: Readonly<Record<string, UsageSource>>;
  readonly gateway: HttpClient;
  readonly direct: HttpClient;
  readonly uncached: UncachedPages;
  readonly cached: CachedPages;
  readonly directCursors: DirectCursors;
  readonly log: (line: string) => void;
}): Promise<ThroughputResult> {
  const { plan, standIns, processes, gateway, direct, uncached, cached, directCursors, log } = options;
  const operations: Record<Kind, (worker: number) => Promise<void>> = {
    gatewayUncached: (worker) => uncached.next(gateway, worker),
    gatewayCached: () => cached.next(gateway),
    direct: async (worker) => {
      const user = directCursors.userOf(worker);
      const pageToken = directCursors.pageTokenOf(worker);
      const { status, text } = await direct.send(
        'GET',
        `/page?user=${user}${pageToken === null ? '' : `&pageToken=${encodeURIComponent(pageToken)}`}`,
      );
      const page = JSON.parse(text) as { messages?: unknown[]; nextPageToken?: string | null };
      if (status !== 200 || page.messages === undefined || page.messages.length === 0) {
        throw new Error(`unexpected direct baseline answer (HTTP ${status}): ${text.slice(0, 300)}`);
      }
      directCursors.advance(worker, page.nextPageToken ?? null);
    },
  };
  const kinds: Kind[] = ['gatewayUncached', 'direct', 'gatewayCached'];
  const measure = async (kind: Kind, durationMs: number) => {
    const before = await standIns.call('requestTotals', { endpoints: ['messages.get'] });
    const { result, cpuMs, rssMBAfter } = await withCpu(processes, () =>
      runLoad(
        { concurrency: plan.concurrency, durationMs, maxRequests: Math.ceil(durationMs * 5) },
        operations[kind],
      ),
    );
    const after = await standIns.call('requestTotals', { endpoints: ['messages.get'] });
    return { result, cpuMs, rssMBAfter, gets: after['messages.get']! - before['messages.get']! };
  };

  const rounds = await interleavedRounds(kinds, plan.throughput, measure, (kind, round, measured) =>
    log(`  round ${round} ${kind}: ${measured.result.requestsPerSecond.toFixed(1)} pages/s`),
  );
  const summarize = (kind: Kind): ThroughputSummary => {
    const total = combine(rounds[kind].map((r) => r.result));
    return {
      requests: total.completed,
      requestsPerSecond: total.requestsPerSecond,
      p50Ms: median(total.latenciesMs),
      getsPerPage: rounds[kind].reduce((sum, r) => sum + r.gets, 0) / total.completed,
      cpuMsPerPage: cpuPerRequest(
        rounds[kind].map((r) => r.cpuMs),
        total.completed,
      ),
      rssMBAfter: rounds[kind].at(-1)!.rssMBAfter,
    };
  };
  const result: ThroughputResult = {
    gatewayUncached: summarize('gatewayUncached'),
    direct: summarize('direct'),
    gatewayCached: summarize('gatewayCached'),
  };
  // Self-checks: an "uncached" page that hit the cache, or a "cached" one that did not, would make the ratios lie.
  if (Math.abs(result.gatewayUncached.getsPerPage - 20) > 0.5) {
    throw new Error(
      `uncached gateway pages made ${result.gatewayUncached.getsPerPage} gets per page, not 20`,
    );
  }
  if (result.gatewayCached.getsPerPage > 0) {
    throw new Error(`cached gateway pages made ${result.gatewayCached.getsPerPage} gets per page, not 0`);
  }
  return result;
}
