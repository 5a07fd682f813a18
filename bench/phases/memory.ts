import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { GatewayProcessApi } from '../gateway-process';
import type { HttpClient } from '../http-client';
import type { ChildProcessHandle, ProcessUsage } from '../ipc';
import { runLoad } from '../load';
import type { Plan } from '../options';
import { median } from '../stats';
import {
  PAGE_QUERY,
  VIEWER_QUERY,
  type CachedPages,
  type SignedInUser,
  type UncachedPages,
} from '../workload';

export interface MemoryResult {
  /** Resident set size at the end (median of the last three samples), MiB. */
  readonly endMB: number;
  /** End minus the same median taken half-way (30 s before the end in a full run), MiB. */
  readonly growthMB: number;
  readonly growthWindowSeconds: number;
  readonly peakMB: number;
  readonly startMB: number;
  readonly heapUsedEndMB: number;
  /**
   * The fill before the measured load: the same mixed load until the metadata cache reached its bound, so that
   * the measured window sees the steady state rather than the cache filling. Null when the plan skips it (quick).
   */
  readonly fill: {
    readonly seconds: number;
    readonly requests: number;
    readonly full: boolean;
    readonly rssMB: number;
  } | null;
  /** The metadata cache's estimated size at the end and its bound (METADATA_CACHE_MB), MiB. */
  readonly metadataCacheMB: number;
  readonly metadataCacheMaxMB: number;
  /** Live heap after a full garbage collection once the load stopped: what the process really holds. */
  readonly liveHeapMBAfterGc: number;
  /** Resident memory right after that collection (V8 rarely returns its pages to the system at once). */
  readonly rssMBAfterGc: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  /** Distinct messages whose metadata the gateway fetched (the cache keeps what fits in METADATA_CACHE_MB). */
  readonly messagesFetched: number;
  readonly samples: ReadonlyArray<{
    readonly seconds: number;
    readonly rssMB: number;
    readonly heapUsedMB: number;
    readonly heapTotalMB: number;
    readonly externalMB: number;
  }>;
}

/** The mix each worker cycles through: reads of every kind, one client error in ten requests. */
const MIX = [
  'viewer',
  'uncached',
  'cached',
  'viewer',
  'cached',
  'uncached',
  'viewer',
  'cached',
  'uncached',
  'error',
] as const;
const ERRORS = [
  { query: PAGE_QUERY, variables: {}, token: 'not-a-session-token', code: 'UNAUTHENTICATED' },
  { query: 'query { messages(first: 0) { edges { cursor } } }', variables: {}, code: 'BAD_USER_INPUT' },
  { query: PAGE_QUERY, variables: { after: 'tampered-cursor' }, code: 'BAD_USER_INPUT' },
] as const;

/**
 * `rssMB`: a fresh gateway process under mixed load (viewer, uncached and cached pages, a few errors) at zero
 * emulator latency for the plan's duration, its resident memory sampled every second over IPC by the process
 * itself, so that the load generator's memory does not count. In a full run the same load first fills the
 * metadata cache to its bound (uncached pages fetch new messages without end, so it fills at whatever rate the
 * machine allows, 25 s to a minute on a loaded one): the figures then say whether the process is flat once its
 * bounded caches are full, not how fast a cache fills.
 */
export async function measureMemory(options: {
  readonly plan: Plan;
  readonly gatewayProcess: ChildProcessHandle<GatewayProcessApi>;
  readonly gateway: HttpClient;
  readonly uncached: UncachedPages;
  readonly cached: CachedPages;
  readonly users: readonly SignedInUser[];
}): Promise<MemoryResult> {
  const { plan, gatewayProcess, gateway, uncached, cached, users } = options;
  const startMB = (await gatewayProcess.usage()).rssMB;
  await cached.warm(gateway);

  const turns = new Map<number, number>();
  let errorTurn = 0;
  const mixed = async (worker: number): Promise<void> => {
    const turn = turns.get(worker) ?? worker;
    turns.set(worker, turn + 1);
    const kind = MIX[turn % MIX.length]!;
    switch (kind) {
      case 'viewer': {
        const user = users[turn % users.length]!;
        const { body } = await gateway.graphql<{ viewer: { id: string } | null }>(
          VIEWER_QUERY,
          {},
          user.token,
        );
        if (body.data?.viewer?.id !== user.userId) throw new Error(`viewer failed: ${JSON.stringify(body)}`);
        return;
      }
      case 'uncached':
        return uncached.next(gateway, worker);
      case 'cached':
        return cached.next(gateway);
      case 'error': {
        const expected = ERRORS[errorTurn++ % ERRORS.length]!;
        const token = 'token' in expected ? expected.token : users[0]!.token;
        const { body } = await gateway.graphql(expected.query, expected.variables, token);
        const code = body.errors?.[0]?.extensions?.code;
        if (code !== expected.code) throw new Error(`expected ${expected.code}, got ${JSON.stringify(body)}`);
        return;
      }
    }
  };

  async function fillMetadataCache(): Promise<NonNullable<MemoryResult['fill']>> {
    const fillStarted = performance.now();
    let requests = 0;
    for (;;) {
      const { bytes, maxBytes } = await gatewayProcess.call('metadataCache', {});
      // Full within two entries of its bound (an entry is estimated at about 1 KB).
      const full = bytes >= maxBytes - 2048;
      const elapsed = performance.now() - fillStarted;
      if (full || elapsed >= plan.memory.fillLimitMs) {
        const { rssMB } = await gatewayProcess.usage();
        return { seconds: elapsed / 1000, requests, full, rssMB };
      }
      const step = await runLoad(
        {
          concurrency: plan.concurrency,
          durationMs: Math.min(2000, plan.memory.fillLimitMs - elapsed),
          maxRequests: 2000 * 5,
        },
        mixed,
      );
      requests += step.completed;
    }
  }
  const fill = plan.memory.fillLimitMs > 0 ? await fillMetadataCache() : null;

  const started = performance.now();
  const samples: Array<{ seconds: number } & ProcessUsage> = [];
  let loading = true;
  const sampler = (async () => {
    for (let i = 1; loading && i <= Math.ceil(plan.memory.durationMs / plan.memory.sampleEveryMs) + 5; i++) {
      await sleep(started + i * plan.memory.sampleEveryMs - performance.now());
      samples.push({ seconds: (performance.now() - started) / 1000, ...(await gatewayProcess.usage()) });
    }
  })();

  const load = await runLoad(
    {
      concurrency: plan.concurrency,
      durationMs: plan.memory.durationMs,
      maxRequests: plan.memory.durationMs * 5,
    },
    mixed,
  );
  loading = false;
  await sampler;
  const cache = await gatewayProcess.call('metadataCache', {});
  const collected = await gatewayProcess.call('collectGarbage', {});

  const within = (fromSeconds: number, toSeconds: number) =>
    samples.filter((s) => s.seconds > fromSeconds && s.seconds <= toSeconds + 0.5).map((s) => s.rssMB);
  const durationSeconds = plan.memory.durationMs / 1000;
  const window = durationSeconds / 2;
  const endMB = median(within(durationSeconds - 3, durationSeconds).slice(-3));
  const midMB = median(within(durationSeconds - window - 3, durationSeconds - window).slice(-3));
  return {
    endMB,
    growthMB: endMB - midMB,
    growthWindowSeconds: window,
    peakMB: Math.max(...samples.map((s) => s.rssMB)),
    startMB,
    heapUsedEndMB: samples.at(-1)?.heapUsedMB ?? 0,
    fill,
    metadataCacheMB: cache.bytes / 2 ** 20,
    metadataCacheMaxMB: cache.maxBytes / 2 ** 20,
    liveHeapMBAfterGc: collected.heapUsedMB,
    rssMBAfterGc: collected.rssMB,
    requests: load.completed,
    requestsPerSecond: load.requestsPerSecond,
    messagesFetched: (uncached.pagesServed + cached.size) * 20,
    samples: samples.map((s) => ({
      seconds: Math.round(s.seconds),
      rssMB: Math.round(s.rssMB),
      heapUsedMB: Math.round(s.heapUsedMB),
      heapTotalMB: Math.round(s.heapTotalMB),
      externalMB: Math.round(s.externalMB),
    })),
  };
}
