import { performance } from 'node:perf_hooks';
import { cpuPerRequest, withCpu, type CpuTotals, type UsageSource } from '../cpu';
import type { HttpClient } from '../http-client';
import type { ChildProcessHandle } from '../ipc';
import { combine, interleavedRounds, runLoad } from '../load';
import type { Plan } from '../options';
import { withGmailLikeLatency } from './gmail-latency';
import type { StandInsApi } from '../stand-ins-process';
import { median, percentile } from '../stats';
import type { UncachedPages } from '../workload';
import type { LatencySummary } from './page-latency';

// GMAIL_FETCH_MODE side by side: two gateway processes on one database, one reading a page's messages with one
// HTTP call each (parallel), one with Gmail's batch endpoint (batch), measured in alternating pairs (latency) and
// interleaved rounds (throughput), so that the machine's drift hits both alike.

type Mode = 'parallel' | 'batch';
const MODES: readonly Mode[] = ['parallel', 'batch'];
/** Walkers of the batch gateway are others than the parallel one's, so neither reads a page the other cached. */
const BATCH_WORKERS = 1000;

export interface FetchModesResult {
  /** One uncached page at a time, emulator at Gmail-like latency, plus the batch overhead for batch calls. */
  readonly latency: Readonly<Record<Mode, LatencySummary>>;
  /** Uncached pages at zero emulator latency, `concurrency` workers. */
  readonly throughput: Readonly<
    Record<
      Mode,
      { readonly requestsPerSecond: number; readonly p50Ms: number; readonly cpuMsPerPage: CpuTotals }
    >
  >;
  /** Batch calls the emulator answered per uncached batch-mode page during throughput. */
  readonly batchCallsPerPage: number;
}

export async function measureFetchModes(options: {
  readonly plan: Plan;
  readonly standIns: ChildProcessHandle<StandInsApi>;
  readonly gateways: Readonly<Record<Mode, HttpClient>>;
  /** The two gateway processes and the stand-ins, for CPU accounting. */
  readonly processes: Readonly<Record<string, UsageSource>>;
  readonly uncached: UncachedPages;
  readonly log: (line: string) => void;
}): Promise<FetchModesResult> {
  const { plan, standIns, gateways, processes, uncached, log } = options;
  const page = (mode: Mode, worker: number) =>
    uncached.next(gateways[mode], mode === 'batch' ? BATCH_WORKERS + worker : worker);

  const { warmupPairs, pairs } = plan.latency;
  const samples: Record<Mode, number[]> = { parallel: [], batch: [] };
  await withGmailLikeLatency(standIns, plan.latency, async () => {
    for (let i = 0; i < warmupPairs; i++) for (const mode of MODES) await page(mode, 0);
    for (let i = 0; i < pairs; i++) {
      // Which mode goes first alternates too.
      for (const mode of i % 2 === 0 ? MODES : [...MODES].reverse()) {
        const started = performance.now();
        await page(mode, 0);
        samples[mode].push(performance.now() - started);
      }
      if ((i + 1) % 20 === 0) log(`  ${i + 1}/${pairs} pairs`);
    }
  });

  const measure = async (mode: Mode, durationMs: number) => {
    const before = await standIns.call('requestTotals', { endpoints: ['batch'] });
    const { result, cpuMs } = await withCpu(processes, () =>
      runLoad(
        { concurrency: plan.concurrency, durationMs, maxRequests: Math.ceil(durationMs * 5) },
        (worker) => page(mode, worker),
      ),
    );
    const after = await standIns.call('requestTotals', { endpoints: ['batch'] });
    return { result, cpuMs, batches: after['batch']! - before['batch']! };
  };
  const rounds = await interleavedRounds([...MODES], plan.throughput, measure, (mode, round, measured) =>
    log(`  round ${round} ${mode}: ${measured.result.requestsPerSecond.toFixed(1)} pages/s`),
  );
  const throughputOf = (mode: Mode) => {
    const total = combine(rounds[mode].map((r) => r.result));
    return {
      requestsPerSecond: total.requestsPerSecond,
      p50Ms: median(total.latenciesMs),
      cpuMsPerPage: cpuPerRequest(
        rounds[mode].map((r) => r.cpuMs),
        total.completed,
      ),
    };
  };
  const batchPages = combine(rounds.batch.map((r) => r.result)).completed;
  const result: FetchModesResult = {
    latency: { parallel: summary(samples.parallel), batch: summary(samples.batch) },
    throughput: { parallel: throughputOf('parallel'), batch: throughputOf('batch') },
    batchCallsPerPage: rounds.batch.reduce((sum, r) => sum + r.batches, 0) / batchPages,
  };
  // Self-check: a "batch" gateway that sent no batch calls (or a parallel one that did) would compare nothing.
  const parallelBatches = rounds.parallel.reduce((sum, r) => sum + r.batches, 0);
  if (result.batchCallsPerPage < 1 || parallelBatches !== 0) {
    throw new Error(
      `batch gateway made ${result.batchCallsPerPage} batch calls per page, the parallel one ${parallelBatches}`,
    );
  }
  return result;
}

function summary(samples: readonly number[]): LatencySummary {
  return { samples: samples.length, p50Ms: median(samples), p90Ms: percentile(samples, 90) };
}
