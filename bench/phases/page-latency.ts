import { performance } from 'node:perf_hooks';
import type { gmail_v1 } from 'googleapis/build/src/apis/gmail';
import { fetchPageParallel, fetchPageSequential, type DirectPage } from '../google-direct';
import type { HttpClient } from '../http-client';
import type { ChildProcessHandle } from '../ipc';
import type { Plan } from '../options';
import { withGmailLikeLatency } from './gmail-latency';
import type { StandInsApi } from '../stand-ins-process';
import { median, percentile } from '../stats';
import type { UncachedPages } from '../workload';

export interface PageLatencyResult {
  readonly gateway: LatencySummary;
  readonly direct: LatencySummary;
  readonly naive: LatencySummary;
}

export interface LatencySummary {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
}

/**
 * `pageLatencyVsDirect` and `naiveVsGateway`: one uncached page at a time with the emulator at Gmail-like latency
 * (lognormal list and get). The gateway and the direct baseline alternate (which goes first alternates too), so
 * both see the same conditions; the naive client (one get after another) runs alongside in its own loop, since
 * each of its pages takes seconds and the others barely load the machine.
 */
export async function measurePageLatency(options: {
  readonly plan: Plan;
  readonly standIns: ChildProcessHandle<StandInsApi>;
  readonly gateway: HttpClient;
  readonly uncached: UncachedPages;
  /** Two users' Gmail clients holding tokens in memory: one for the parallel baseline, one for the naive one. */
  readonly direct: gmail_v1.Gmail;
  readonly naive: gmail_v1.Gmail;
  readonly log: (line: string) => void;
}): Promise<PageLatencyResult> {
  const { plan, standIns, gateway, uncached, log } = options;
  const { warmupPairs, pairs, naiveMinSamples, naiveMaxSamples } = plan.latency;
  return withGmailLikeLatency(standIns, plan.latency, async () => {
    const directWalk = pageWalk(options.direct, fetchPageParallel);
    const naiveWalk = pageWalk(options.naive, fetchPageSequential);
    const gatewayPage = () => uncached.next(gateway, 0);

    for (let i = 0; i < warmupPairs; i++) {
      await gatewayPage();
      await directWalk();
    }

    const samples = { gateway: [] as number[], direct: [] as number[], naive: [] as number[] };
    let pairsDone = false;
    const naiveLoop = (async () => {
      while (
        samples.naive.length < naiveMaxSamples &&
        (!pairsDone || samples.naive.length < naiveMinSamples)
      ) {
        samples.naive.push(await timed(naiveWalk));
      }
    })();
    try {
      for (let i = 0; i < pairs; i++) {
        if (i % 2 === 0) {
          samples.gateway.push(await timed(gatewayPage));
          samples.direct.push(await timed(directWalk));
        } else {
          samples.direct.push(await timed(directWalk));
          samples.gateway.push(await timed(gatewayPage));
        }
        if ((i + 1) % 20 === 0) log(`  ${i + 1}/${pairs} pairs`);
      }
    } finally {
      pairsDone = true;
      await naiveLoop;
    }
    return {
      gateway: summary(samples.gateway),
      direct: summary(samples.direct),
      naive: summary(samples.naive),
    };
  });
}

/** Walks one mailbox forward page by page, wrapping around at the end; nothing on this side caches. */
function pageWalk(
  gmail: gmail_v1.Gmail,
  fetchPage: (gmail: gmail_v1.Gmail, pageToken: string | null) => Promise<DirectPage>,
): () => Promise<void> {
  let pageToken: string | null = null;
  return async () => {
    const page = await fetchPage(gmail, pageToken);
    if (page.messages.length === 0 || page.messages.some((m) => m.subject === null)) {
      throw new Error('the direct baseline got an empty or incomplete page');
    }
    pageToken = page.nextPageToken;
  };
}

async function timed(operation: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await operation();
  return performance.now() - started;
}

function summary(samples: readonly number[]): LatencySummary {
  return { samples: samples.length, p50Ms: median(samples), p90Ms: percentile(samples, 90) };
}
