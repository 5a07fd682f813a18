import { cpuPerRequest, withCpu, type CpuTotals, type UsageSource } from '../cpu';
import type { HttpClient } from '../http-client';
import { combine, interleavedRounds, runLoad, type LoadResult } from '../load';
import type { Plan } from '../options';
import { median } from '../stats';
import { VIEWER_QUERY, type SignedInUser } from '../workload';

export interface RateSummary {
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  /** CPU time per request in each process (gateway, apollo, standIns, generator), ms. */
  readonly cpuMsPerRequest: CpuTotals;
}

export interface ViewerResult {
  readonly gatewayViewer: RateSummary;
  readonly apolloTypename: RateSummary;
}

/**
 * `viewerVsApolloBaseline`: `{ viewer { id } }` with a valid session (a session lookup and a credential read in
 * MongoDB) against a bare Apollo Server answering `{ __typename }`, the same workers for both, in interleaved
 * rounds.
 */
export async function measureViewer(options: {
  readonly plan: Plan;
  /** The processes whose CPU time is accounted: gateway, Apollo baseline, stand-ins. */
  readonly processes: Readonly<Record<string, UsageSource>>;
  readonly gateway: HttpClient;
  readonly apollo: HttpClient;
  readonly users: readonly SignedInUser[];
  readonly log: (line: string) => void;
}): Promise<ViewerResult> {
  const { plan, processes, gateway, apollo, users, log } = options;
  const operations = {
    gatewayViewer: async (worker: number) => {
      const user = users[worker % users.length]!;
      const { status, body } = await gateway.graphql<{ viewer: { id: string } | null }>(
        VIEWER_QUERY,
        {},
        user.token,
      );
      if (status !== 200 || body.data?.viewer?.id !== user.userId) {
        throw new Error(`unexpected viewer answer (HTTP ${status}): ${JSON.stringify(body).slice(0, 300)}`);
      }
    },
    apolloTypename: async () => {
      const { status, body } = await apollo.graphql<{ __typename: string }>('{ __typename }');
      if (status !== 200 || body.data?.__typename !== 'Query') {
        throw new Error(`unexpected Apollo baseline answer (HTTP ${status}): ${JSON.stringify(body)}`);
      }
    },
  };
  const kinds = ['gatewayViewer', 'apolloTypename'] as const;
  const run = (kind: (typeof kinds)[number], durationMs: number) =>
    withCpu(processes, () =>
      runLoad(
        { concurrency: plan.concurrency, durationMs, maxRequests: Math.ceil(durationMs * 20) },
        operations[kind],
      ),
    );

  const rounds = await interleavedRounds(kinds, plan.viewer, run, (kind, round, measured) =>
    log(`  round ${round} ${kind}: ${measured.result.requestsPerSecond.toFixed(0)} requests/s`),
  );
  const summarize = (measured: ReadonlyArray<{ result: LoadResult; cpuMs: CpuTotals }>): RateSummary => {
    const total = combine(measured.map((m) => m.result));
    return {
      requests: total.completed,
      requestsPerSecond: total.requestsPerSecond,
      p50Ms: median(total.latenciesMs),
      cpuMsPerRequest: cpuPerRequest(
        measured.map((m) => m.cpuMs),
        total.completed,
      ),
    };
  };
  return { gatewayViewer: summarize(rounds.gatewayViewer), apolloTypename: summarize(rounds.apolloTypename) };
}
