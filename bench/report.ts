import type { FetchModesResult } from './phases/fetch-modes';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { START_NODE_FLAGS } from './environment';
import type { MemoryResult } from './phases/memory';
import type { MessageViewResult } from './phases/message-view';
import type { PageLatencyResult } from './phases/page-latency';
import type { PageTailResult } from './phases/page-tail';
import type { RefreshStormResult } from './phases/refresh-storm';
import type { ThroughputResult } from './phases/throughput';
import type { ViewerResult } from './phases/viewer';
import type { Plan } from './options';
import { round } from './stats';

/**
 * The targets (issue 14; messageViewVsDirect from issue 13). naiveVsGateway's is relative: the naive way over the gateway must be at least 0.97 of
 * the naive way over the direct baseline, both measured in the run (the emulator's latency model bounds both).
 * "Flat" memory: less than 5 MiB of growth over the last 30 seconds.
 */
export const TARGETS = {
  pageLatencyVsDirect: { max: 1.05 },
  naiveVsGateway: { minTimesNaiveVsDirect: 0.97 },
  pageP99VsDirect: { max: 1.2 },
  messageViewVsDirect: { max: 1.2 },
  throughputVsDirect: { min: 0.8 },
  cachedVsUncached: { min: 3 },
  viewerVsApolloBaseline: { min: 0.5 },
  unitsPerPage: { uncached: 'equal to the direct baseline', cached: 'the list only (lists are not cached)' },
  refreshStorm: { maxRefreshes: 1 },
  rssMB: { endBelow: 200, growthLast30sBelow: 5 },
} as const;

type RatioName = keyof Omit<typeof TARGETS, 'refreshStorm' | 'rssMB' | 'naiveVsGateway' | 'unitsPerPage'>;

export interface Measurements {
  pageLatency?: PageLatencyResult;
  pageTail?: PageTailResult;
  messageView?: MessageViewResult;
  throughput?: ThroughputResult;
  viewer?: ViewerResult;
  refreshStorm?: RefreshStormResult;
  memory?: MemoryResult;
  fetchModes?: FetchModesResult;
}

interface Row {
  readonly figure: string;
  readonly value: string;
  readonly target: string;
  readonly pass: boolean;
}

export interface Report {
  readonly rows: readonly Row[];
  readonly json: Record<string, unknown>;
  readonly pass: boolean;
}

export function buildReport(plan: Plan, m: Measurements): Report {
  const ratios: Partial<Record<RatioName | 'naiveVsGateway' | 'naiveVsDirect', number>> = {};
  const rows: Row[] = [];
  const ratio = (name: RatioName | 'naiveVsDirect', value: number) => {
    ratios[name] = round(value, 3);
    if (name === 'naiveVsDirect') return;
    const target = TARGETS[name];
    const pass = 'max' in target ? value <= target.max : value >= target.min;
    const shown = 'max' in target ? `<= ${target.max}` : `>= ${target.min}`;
    rows.push({ figure: name, value: value.toFixed(2), target: shown, pass });
  };
  if (m.pageLatency) {
    ratio('pageLatencyVsDirect', m.pageLatency.gateway.p50Ms / m.pageLatency.direct.p50Ms);
    const { naive, gateway, direct } = m.pageLatency;
    const naiveVsGateway = naive.p50Ms / gateway.p50Ms;
    const naiveVsDirect = naive.p50Ms / direct.p50Ms;
    const floor = TARGETS.naiveVsGateway.minTimesNaiveVsDirect * naiveVsDirect;
    ratios.naiveVsGateway = round(naiveVsGateway, 3);
    ratios.naiveVsDirect = round(naiveVsDirect, 3);
    rows.push({
      figure: `naiveVsGateway (naiveVsDirect ${naiveVsDirect.toFixed(2)})`,
      value: naiveVsGateway.toFixed(2),
      target: `>= ${floor.toFixed(2)} (0.97 x naiveVsDirect)`,
      pass: naiveVsGateway >= floor,
    });
  }
  if (m.pageTail) {
    ratio('pageP99VsDirect', m.pageTail.gateway.p99Ms / m.pageTail.direct.p99Ms);
  }
  if (m.messageView) {
    ratio('messageViewVsDirect', m.messageView.gateway.p50Ms / m.messageView.direct.p50Ms);
  }
  if (m.throughput) {
    const t = m.throughput;
    ratio('throughputVsDirect', t.gatewayUncached.requestsPerSecond / t.direct.requestsPerSecond);
    ratio('cachedVsUncached', t.gatewayCached.requestsPerSecond / t.gatewayUncached.requestsPerSecond);
    // Quota units per page from the emulator's accounting, beside the direct baseline's in the same run: an
    // uncached page may cost no more than the baseline's list and gets; a cached one makes the list call only.
    const units = (value: number) => value.toFixed(1);
    rows.push({
      figure: 'unitsPerPage uncached',
      value: units(t.gatewayUncached.unitsPerPage),
      target: `= direct ${units(t.direct.unitsPerPage)}`,
      pass: Math.abs(t.gatewayUncached.unitsPerPage - t.direct.unitsPerPage) < 0.5,
    });
    rows.push({
      figure: 'unitsPerPage cached',
      value: units(t.gatewayCached.unitsPerPage),
      target: `= list only ${units(t.listUnitsPerPage)}`,
      pass: Math.abs(t.gatewayCached.unitsPerPage - t.listUnitsPerPage) < 0.5,
    });
  }
  if (m.viewer) {
    ratio(
      'viewerVsApolloBaseline',
      m.viewer.gatewayViewer.requestsPerSecond / m.viewer.apolloTypename.requestsPerSecond,
    );
  }
  if (m.refreshStorm) {
    for (const [label, storm] of [
      ['expired in store', m.refreshStorm.expiredInStore],
      ['401 from Google', m.refreshStorm.rejectedByGoogle],
    ] as const) {
      rows.push({
        figure: `refreshStorm (${label})`,
        value: `${storm.refreshes} / ${storm.requests} req`,
        target: `<= ${TARGETS.refreshStorm.maxRefreshes}`,
        pass: storm.refreshes <= TARGETS.refreshStorm.maxRefreshes,
      });
    }
  }
  if (m.memory) {
    rows.push({
      figure: 'rssMB end',
      value: m.memory.endMB.toFixed(1),
      target: `< ${TARGETS.rssMB.endBelow}`,
      pass: m.memory.endMB < TARGETS.rssMB.endBelow,
    });
    rows.push({
      figure: `rssMB growth last ${m.memory.growthWindowSeconds} s`,
      value: m.memory.growthMB.toFixed(1),
      target: `< ${TARGETS.rssMB.growthLast30sBelow}`,
      pass: m.memory.growthMB < TARGETS.rssMB.growthLast30sBelow,
    });
    rows.push({
      figure: 'live heap after GC (MiB)',
      value: m.memory.liveHeapMBAfterGc.toFixed(1),
      target: 'reported',
      pass: true,
    });
  }
  if (m.fetchModes) {
    const { latency, throughput } = m.fetchModes;
    rows.push({
      figure: 'batchVsParallel page p50 latency',
      value: (latency.batch.p50Ms / latency.parallel.p50Ms).toFixed(2),
      target: 'reported (batch faster below 1)',
      pass: true,
    });
    rows.push({
      figure: 'batchVsParallel throughput',
      value: (throughput.batch.requestsPerSecond / throughput.parallel.requestsPerSecond).toFixed(2),
      target: 'reported (batch faster above 1)',
      pass: true,
    });
  }
  const pass = rows.every((r) => r.pass);
  const json: Record<string, unknown> = {
    mode: plan.quick ? 'quick' : 'full',
    ratios,
    ...(m.refreshStorm
      ? {
          refreshStorm: {
            requests: m.refreshStorm.expiredInStore.requests,
            refreshes: m.refreshStorm.expiredInStore.refreshes,
            rejectedByGoogle: {
              requests: m.refreshStorm.rejectedByGoogle.requests,
              refreshes: m.refreshStorm.rejectedByGoogle.refreshes,
            },
          },
        }
      : {}),
    ...(m.memory
      ? {
          rssMB: {
            end: round(m.memory.endMB, 1),
            growthLast30s: round(m.memory.growthMB, 1),
            liveHeapAfterGc: round(m.memory.liveHeapMBAfterGc, 1),
            ...(m.memory.growthWindowSeconds === 30
              ? {}
              : { growthWindowSeconds: m.memory.growthWindowSeconds }),
          },
        }
      : {}),
    targets: TARGETS,
    pass,
    measurements: roundDeep(m),
    setup: {
      concurrency: plan.concurrency,
      gmailFetch: plan.gmailFetch,
      gatewayNodeFlags: [...START_NODE_FLAGS, ...plan.gatewayNodeOptions],
      gatewayUserConcurrency: plan.gatewayUserConcurrency,
      emulatorLatency: {
        'messages.list': {
          distribution: 'lognormal',
          medianMs: plan.latency.listMedianMs,
          sigma: plan.latency.sigma,
        },
        'messages.get': {
          distribution: 'lognormal',
          medianMs: plan.latency.getMedianMs,
          sigma: plan.latency.sigma,
        },
        batch: { distribution: 'fixed', ms: plan.latency.batchOverheadMs },
      },
      throughput: plan.throughput,
      viewer: plan.viewer,
      storm: plan.storm,
      memory: { durationMs: plan.memory.durationMs, fillLimitMs: plan.memory.fillLimitMs },
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
    },
    node: process.version,
    commit: gitCommit(),
    date: new Date().toISOString(),
  };
  return { rows, json, pass };
}

export function formatTable(rows: readonly Row[]): string {
  const header: Row & { result: string } = {
    figure: 'figure',
    value: 'value',
    target: 'target',
    pass: true,
    result: 'result',
  };
  const lines = [header, ...rows.map((r) => ({ ...r, result: r.pass ? 'PASS' : 'FAIL' }))];
  const width = (key: 'figure' | 'value' | 'target') => Math.max(...lines.map((l) => l[key].length));
  const [fw, vw, tw] = [width('figure'), width('value'), width('target')];
  return lines
    .map((l) => `${l.figure.padEnd(fw)}  ${l.value.padStart(vw)}  ${l.target.padEnd(tw)}  ${l.result}`)
    .join('\n');
}

/** The raw figures behind the ratios, with the CPU time per request of each process. */
export function formatDetails(m: Measurements): string[] {
  const lines: string[] = [];
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const rate = (value: number) => `${value.toFixed(1)}/s`;
  const cpu = (label: string, totals: Readonly<Record<string, number>>) =>
    lines.push(
      `  CPU ms per request, ${label}: ${Object.entries(totals)
        .map(([name, value]) => `${name} ${value.toFixed(2)}`)
        .join(', ')}`,
    );
  if (m.fetchModes) {
    const { latency, throughput, batchCallsPerPage } = m.fetchModes;
    lines.push(
      `fetch modes, page p50 (p90): parallel ${ms(latency.parallel.p50Ms)} (${ms(latency.parallel.p90Ms)}), batch ${ms(latency.batch.p50Ms)} (${ms(latency.batch.p90Ms)}), n=${latency.batch.samples}`,
      `fetch modes, uncached pages: parallel ${rate(throughput.parallel.requestsPerSecond)} (p50 ${ms(throughput.parallel.p50Ms)}), batch ${rate(throughput.batch.requestsPerSecond)} (p50 ${ms(throughput.batch.p50Ms)}), ${batchCallsPerPage.toFixed(2)} batch calls per page`,
    );
    cpu('parallel pages', throughput.parallel.cpuMsPerPage);
    cpu('batch pages', throughput.batch.cpuMsPerPage);
  }
  if (m.pageLatency) {
    const { gateway, direct, naive } = m.pageLatency;
    lines.push(
      `page p50: gateway ${ms(gateway.p50Ms)} (n=${gateway.samples}), direct ${ms(direct.p50Ms)} (n=${direct.samples}), ` +
        `naive ${ms(naive.p50Ms)} (n=${naive.samples}); naive/direct ${(naive.p50Ms / direct.p50Ms).toFixed(2)}`,
    );
  }
  if (m.pageTail) {
    const { gateway, direct } = m.pageTail;
    lines.push(
      `page tail at ${m.pageTail.concurrency} users: gateway p99 ${ms(gateway.p99Ms)} p50 ${ms(gateway.p50Ms)} ` +
        `(n=${gateway.samples}), direct p99 ${ms(direct.p99Ms)} p50 ${ms(direct.p50Ms)} (n=${direct.samples})`,
    );
  }
  if (m.messageView) {
    const { gateway, direct } = m.messageView;
    lines.push(
      `message view p50: gateway ${ms(gateway.p50Ms)} (p90 ${ms(gateway.p90Ms)}, n=${gateway.samples}), ` +
        `direct format=full ${ms(direct.p50Ms)} (p90 ${ms(direct.p90Ms)}, n=${direct.samples})`,
    );
  }
  if (m.throughput) {
    const { gatewayUncached, direct, gatewayCached } = m.throughput;
    lines.push(
      `quota units per page: gateway uncached ${gatewayUncached.unitsPerPage.toFixed(1)}, direct ` +
        `${direct.unitsPerPage.toFixed(1)}, gateway cached ${gatewayCached.unitsPerPage.toFixed(1)}`,
    );
    lines.push(
      `pages: gateway uncached ${rate(gatewayUncached.requestsPerSecond)} (p50 ${ms(gatewayUncached.p50Ms)}), ` +
        `direct ${rate(direct.requestsPerSecond)} (p50 ${ms(direct.p50Ms)}), ` +
        `gateway cached ${rate(gatewayCached.requestsPerSecond)} (p50 ${ms(gatewayCached.p50Ms)})`,
    );
    cpu('gateway uncached', gatewayUncached.cpuMsPerPage);
    cpu('direct', direct.cpuMsPerPage);
    cpu('gateway cached', gatewayCached.cpuMsPerPage);
    lines.push(
      `  resident memory after the rounds: gateway ${gatewayCached.rssMBAfter['gateway']?.toFixed(0)} MiB, ` +
        `direct baseline ${direct.rssMBAfter['direct']?.toFixed(0)} MiB`,
    );
  }
  if (m.viewer) {
    const { gatewayViewer, apolloTypename } = m.viewer;
    lines.push(
      `viewer ${rate(gatewayViewer.requestsPerSecond)} (p50 ${ms(gatewayViewer.p50Ms)}), ` +
        `bare Apollo ${rate(apolloTypename.requestsPerSecond)} (p50 ${ms(apolloTypename.p50Ms)})`,
    );
    cpu('viewer', gatewayViewer.cpuMsPerRequest);
    cpu('bare Apollo', apolloTypename.cpuMsPerRequest);
  }
  if (m.refreshStorm) {
    const { expiredInStore, rejectedByGoogle } = m.refreshStorm;
    lines.push(
      `refresh storm: expired in store ${expiredInStore.refreshes} refresh(es) in ${ms(expiredInStore.wallMs)}, ` +
        `401 from Google ${rejectedByGoogle.refreshes} refresh(es) in ${ms(rejectedByGoogle.wallMs)}`,
    );
  }
  if (m.memory) {
    const mem = m.memory;
    if (mem.fill !== null) {
      lines.push(
        `memory: the metadata cache ${mem.fill.full ? 'reached its bound' : 'did NOT reach its bound'} after ` +
          `${mem.fill.seconds.toFixed(0)} s of the same mixed load (${mem.fill.requests} requests), rss then ` +
          `${mem.fill.rssMB.toFixed(0)} MiB; the measured load started there`,
      );
    }
    lines.push(
      `memory: rss ${mem.startMB.toFixed(0)} MiB at start, ${mem.endMB.toFixed(0)} MiB at the end (peak ` +
        `${mem.peakMB.toFixed(0)}); ${mem.requests} requests (${rate(mem.requestsPerSecond)}), metadata of ` +
        `${mem.messagesFetched} messages fetched (the cache keeps what fits in METADATA_CACHE_MB: ` +
        `${mem.metadataCacheMB.toFixed(1)} of ${mem.metadataCacheMaxMB.toFixed(0)} MiB at the end); after a full GC: live heap ` +
        `${mem.liveHeapMBAfterGc.toFixed(0)} MiB, rss ${mem.rssMBAfterGc.toFixed(0)} MiB`,
    );
  }
  return lines;
}

export function writeJson(path: string, json: Record<string, unknown>): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
}

/** The commit measured, `+dirty` when the working tree differs from it; null outside a git checkout. */
function gitCommit(): string | null {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const commit = git('rev-parse', '--short', 'HEAD').trim();
    const dirty = git('status', '--porcelain', '--untracked-files=no').trim() !== '';
    return dirty ? `${commit}+dirty` : commit;
  } catch {
    return null;
  }
}

/** Numbers rounded to two decimals, so that the committed JSON stays readable. */
function roundDeep(value: unknown): unknown {
  if (typeof value === 'number') return round(value, 2);
  if (Array.isArray(value)) return value.map(roundDeep);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundDeep(v)]));
  }
  return value;
}
