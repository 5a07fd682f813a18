import { DEFAULT_QUOTA_COSTS } from '../../dev/google-emulator';
import { cpuPerRequest, withCpu, type CpuTotals, type UsageSource } from '../cpu';
import type { HttpClient } from '../http-client';
import type { ChildProcessHandle } from '../ipc';
import { combine, interleavedRounds, runLoad } from '../load';
import type { Plan } from '../options';
import type { StandInsApi } from '../stand-ins-process';
import { median } from '../stats';
import { directBaselinePage, type CachedPages, type DirectCursors, type UncachedPages } from '../workload';

export interface ThroughputSummary {
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  /** messages.get calls the emulator answered per page during the measurement (20 uncached, 0 cached). */
  readonly getsPerPage: number;
  /** Gmail quota units the emulator charged per page during the measurement (its own accounting). */
  readonly unitsPerPage: number;
  /** CPU time per page in each process (gateway, direct, standIns, generator), ms. */
  readonly cpuMsPerPage: CpuTotals;
  /** Resident memory of each process after this kind's last round, MiB. */
  readonly rssMBAfter: Readonly<Record<string, number>>;
}

export interface ThroughputResult {
  readonly gatewayUncached: ThroughputSummary;
  readonly direct: ThroughputSummary;
  readonly gatewayCached: ThroughputSummary;
  /** What the direct baseline's list calls cost per page: what a cached page (no gets) should cost. */
  readonly listUnitsPerPage: number;
}

type Kind = Exclude<keyof ThroughputResult, 'listUnitsPerPage'>;

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
    direct: (worker) => directBaselinePage(direct, directCursors, worker),
  };
  const kinds: Kind[] = ['gatewayUncached', 'direct', 'gatewayCached'];
  const measure = async (kind: Kind, durationMs: number) => {
    // The uncached rounds fill the metadata cache with other pages and evict the cached set; fetching the set
    // again right before every cached round (outside the measurement) keeps "cached" true for each round.
    if (kind === 'gatewayCached') await cached.warm(gateway);
    const before = await standIns.call('requestTotals', { endpoints: ['messages.get', 'messages.list'] });
    const unitsBefore = await standIns.call('unitsSpent', {});
    const { result, cpuMs, rssMBAfter } = await withCpu(processes, () =>
      runLoad(
        { concurrency: plan.concurrency, durationMs, maxRequests: Math.ceil(durationMs * 5) },
        operations[kind],
      ),
    );
    const after = await standIns.call('requestTotals', { endpoints: ['messages.get', 'messages.list'] });
    const units = (await standIns.call('unitsSpent', {})) - unitsBefore;
    return {
      result,
      cpuMs,
      rssMBAfter,
      gets: after['messages.get']! - before['messages.get']!,
      lists: after['messages.list']! - before['messages.list']!,
      units,
    };
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
      unitsPerPage: rounds[kind].reduce((sum, r) => sum + r.units, 0) / total.completed,
      cpuMsPerPage: cpuPerRequest(
        rounds[kind].map((r) => r.cpuMs),
        total.completed,
      ),
      rssMBAfter: rounds[kind].at(-1)!.rssMBAfter,
    };
  };
  const directLists = rounds.direct.reduce((sum, r) => sum + r.lists, 0);
  const result: ThroughputResult = {
    gatewayUncached: summarize('gatewayUncached'),
    direct: summarize('direct'),
    gatewayCached: summarize('gatewayCached'),
    listUnitsPerPage:
      (directLists * DEFAULT_QUOTA_COSTS['messages.list']) /
      combine(rounds.direct.map((r) => r.result)).completed,
  };
  // Self-checks: an "uncached" page that hit the cache, or a "cached" one that did not, would make the ratios lie.
  if (Math.abs(result.gatewayUncached.getsPerPage - 20) > 0.5) {
    throw new Error(
      `uncached gateway pages made ${result.gatewayUncached.getsPerPage} gets per page, not 20`,
    );
  }
  if (result.gatewayUncached.unitsPerPage > result.direct.unitsPerPage + 0.5) {
    throw new Error(
      `uncached gateway pages cost ${result.gatewayUncached.unitsPerPage} units per page, the direct baseline ${result.direct.unitsPerPage}`,
    );
  }
  if (result.gatewayCached.getsPerPage > 0) {
    throw new Error(`cached gateway pages made ${result.gatewayCached.getsPerPage} gets per page, not 0`);
  }
  return result;
}
