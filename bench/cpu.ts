import { ownUsage, type ProcessUsage } from './ipc';

export interface UsageSource {
  usage(): Promise<ProcessUsage>;
}

/** CPU time each process spent during a measurement, ms; `generator` is the benchmark process itself. */
export type CpuTotals = Readonly<Record<string, number>>;

/**
 * Runs a measurement and reports the CPU time every process spent meanwhile, as the processes count it
 * themselves: it says which process limits a throughput figure (on two cores, three busy processes compete).
 */
export async function withCpu<T>(
  processes: Readonly<Record<string, UsageSource>>,
  run: () => Promise<T>,
): Promise<{ result: T; cpuMs: CpuTotals; rssMBAfter: Readonly<Record<string, number>> }> {
  const snapshot = async (): Promise<Record<string, ProcessUsage>> => {
    const entries = await Promise.all(
      Object.entries(processes).map(async ([name, source]) => [name, await source.usage()] as const),
    );
    return { ...Object.fromEntries(entries), generator: ownUsage() };
  };
  const before = await snapshot();
  const result = await run();
  const after = await snapshot();
  const names = Object.keys(after);
  return {
    result,
    cpuMs: Object.fromEntries(names.map((name) => [name, after[name]!.cpuMs - before[name]!.cpuMs])),
    rssMBAfter: Object.fromEntries(names.map((name) => [name, after[name]!.rssMB])),
  };
}

/** Adds up the CPU totals of several rounds and divides by the requests they completed. */
export function cpuPerRequest(rounds: readonly CpuTotals[], requests: number): CpuTotals {
  const sums: Record<string, number> = {};
  for (const round of rounds) {
    for (const [name, ms] of Object.entries(round)) sums[name] = (sums[name] ?? 0) + ms;
  }
  return Object.fromEntries(Object.entries(sums).map(([name, ms]) => [name, ms / requests]));
}
