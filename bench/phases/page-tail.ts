import type { HttpClient } from '../http-client';
import type { ChildProcessHandle } from '../ipc';
import { combine, interleavedRounds, runLoad } from '../load';
import type { Plan } from '../options';
import { withGmailLikeLatency } from './gmail-latency';
import type { StandInsApi } from '../stand-ins-process';
import { median, percentile } from '../stats';
import { directBaselinePage, type DirectCursors, type UncachedPages } from '../workload';

export interface TailSummary {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface PageTailResult {
  readonly concurrency: number;
  readonly gateway: TailSummary;
  readonly direct: TailSummary;
}

type Kind = Exclude<keyof PageTailResult, 'concurrency'>;

/**
 * `pageP99VsDirect`: the tail of uncached pages with the emulator at Gmail-like latency (the same lognormal list
 * and get as the latency part) and `plan.concurrency` users at once, each with one page in flight. Gateway pages
 * (over HTTP, each worker walking a mailbox of its own) and direct-baseline pages (the direct process over HTTP:
 * a list, then the 20 gets at once) run in interleaved rounds, so that both see the same machine.
 */
export async function measurePageTail(options: {
  readonly plan: Plan;
  readonly standIns: ChildProcessHandle<StandInsApi>;
  readonly gateway: HttpClient;
  readonly direct: HttpClient;
  readonly uncached: UncachedPages;
  readonly directCursors: DirectCursors;
  readonly log: (line: string) => void;
}): Promise<PageTailResult> {
  const { plan, standIns, gateway, direct, uncached, directCursors, log } = options;
  return withGmailLikeLatency(standIns, plan.latency, async () => {
    const operations: Record<Kind, (worker: number) => Promise<void>> = {
      gateway: (worker) => uncached.next(gateway, worker),
      direct: (worker) => directBaselinePage(direct, directCursors, worker),
    };
    const rounds = await interleavedRounds(
      ['gateway', 'direct'] as const,
      plan.tail,
      (kind, durationMs) =>
        runLoad(
          { concurrency: plan.concurrency, durationMs, maxRequests: Math.ceil(durationMs) },
          operations[kind],
        ),
      (kind, round, measured) =>
        log(
          `  round ${round} ${kind}: p99 ${percentile(measured.latenciesMs, 99).toFixed(0)} ms (n=${measured.completed})`,
        ),
    );
    const summarize = (kind: Kind): TailSummary => {
      const { latenciesMs } = combine(rounds[kind]);
      return {
        samples: latenciesMs.length,
        p50Ms: median(latenciesMs),
        p99Ms: percentile(latenciesMs, 99),
      };
    };
    return { concurrency: plan.concurrency, gateway: summarize('gateway'), direct: summarize('direct') };
  });
}
