import { parseArgs } from 'node:util';
import { DEFAULT_GMAIL_FETCH_MODE, GMAIL_FETCH_MODES, type GmailFetchMode } from '../src/gmail/gmail-batch';

/** The parts of a full run. */
export const PARTS = ['latency', 'message', 'throughput', 'viewer', 'storm', 'memory'] as const;
/** Parts that run only when named with --only: `fetch` compares GMAIL_FETCH_MODE parallel and batch. */
const OPTIONAL_PARTS = ['fetch'] as const;
export type Part = (typeof PARTS)[number] | (typeof OPTIONAL_PARTS)[number];

/** How long and how hard each part runs; `--quick` keeps the run well under a minute for CI. */
export interface Plan {
  readonly quick: boolean;
  readonly parts: ReadonlySet<Part>;
  /** Workers per throughput measurement, the same for the gateway and its baseline. */
  readonly concurrency: number;
  /** Adds --cpu-prof to the gateway, direct-baseline and stand-in processes: bench/results/profiles/<name>-<pid>.cpuprofile. */
  readonly profile: boolean;
  /** Extra node flags for the gateway processes, e.g. `--max-semi-space-size=16` (to try V8 heap settings). */
  readonly gatewayNodeOptions: readonly string[];
  /**
   * GMAIL_USER_CONCURRENCY for the gateway processes, e.g. 20 (one page's gets in one wave, as the direct
   * baseline sends them); null keeps the gateway's default (10).
   */
  readonly gatewayUserConcurrency: number | null;
  /** A real MongoDB instead of dev/mongo-server (a fresh database, dropped at the end). */
  readonly mongodbUri: string | null;
  /** The gateway's GMAIL_FETCH_MODE: message gets one HTTP call each, or in Gmail batch calls. */
  readonly gmailFetch: GmailFetchMode;
  readonly latency: {
    readonly listMedianMs: number;
    readonly getMedianMs: number;
    readonly sigma: number;
    readonly warmupPairs: number;
    readonly pairs: number;
    readonly naiveMinSamples: number;
    readonly naiveMaxSamples: number;
    /**
     * The emulator's batch overhead (endpoint `batch`, fixed) on top of the slowest inner get, while the phases
     * with Gmail-like latency run. Real Gmail's batch latency is unknown: this is a guess, printed with the figures.
     */
    readonly batchOverheadMs: number;
  };
  /** messageViewVsDirect: pairs of one message opened through the gateway and directly, each message once. */
  readonly messageView: { readonly warmupPairs: number; readonly pairs: number };
  /** pageP99VsDirect: interleaved rounds at Gmail-like latency, `concurrency` users at once. */
  readonly tail: { readonly warmupMs: number; readonly rounds: number; readonly roundMs: number };
  readonly throughput: { readonly warmupMs: number; readonly rounds: number; readonly roundMs: number };
  readonly viewer: { readonly warmupMs: number; readonly rounds: number; readonly roundMs: number };
  readonly storm: { readonly requests: number; readonly tokenLatencyMs: number };
  /**
   * rssMB: `durationMs` of measured mixed load, after up to `fillLimitMs` of the same load that fills the metadata
   * cache to its bound (0: no fill, the quick run's choice).
   */
  readonly memory: {
    readonly durationMs: number;
    readonly sampleEveryMs: number;
    readonly fillLimitMs: number;
  };
  readonly mailboxes: {
    /** Users whose mailboxes are walked for uncached pages, and how many messages each holds. */
    readonly uncachedUsers: number;
    readonly messagesPerUser: number;
    readonly cachedUsers: number;
    readonly cachedPagesPerUser: number;
  };
  /** The whole run stops itself (exit 2) after this. */
  readonly timeLimitMs: number;
}

const USAGE = `usage: node dist/bench/run.js [--quick] [--only latency,message,throughput,viewer,storm,memory,fetch]
       [--concurrency N] [--sigma S] [--profile] [--gateway-node-options "--max-semi-space-size=16"]
       [--gateway-user-concurrency N] [--gmail-fetch parallel|batch] [--batch-overhead-ms 10]
       [--mongodb-uri mongodb://127.0.0.1:27017]`;

export function parsePlan(argv: readonly string[]): Plan {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      concurrency: { type: 'string' },
      sigma: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'gateway-node-options': { type: 'string' },
      'gateway-user-concurrency': { type: 'string' },
      'mongodb-uri': { type: 'string' },
      'gmail-fetch': { type: 'string' },
      'batch-overhead-ms': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick === true;
  const parts = values.only === undefined ? [...PARTS] : values.only.split(',').map((p) => p.trim());
  const unknown = parts.filter((p) => ![...PARTS, ...OPTIONAL_PARTS].includes(p as Part));
  if (unknown.length > 0) throw new Error(`unknown part(s) ${unknown.join(', ')}\n${USAGE}`);
  const concurrency = positiveNumber(values.concurrency, 16, 'concurrency');
  const sigma = positiveNumber(values.sigma, 0.25, 'sigma');
  const gmailFetch = (values['gmail-fetch'] ?? DEFAULT_GMAIL_FETCH_MODE) as GmailFetchMode;
  if (!GMAIL_FETCH_MODES.includes(gmailFetch)) {
    throw new Error(`--gmail-fetch must be one of ${GMAIL_FETCH_MODES.join(', ')}\n${USAGE}`);
  }
  const batchOverheadMs =
    values['batch-overhead-ms'] === '0'
      ? 0
      : positiveNumber(values['batch-overhead-ms'], 10, 'batch-overhead-ms');
  return {
    quick,
    parts: new Set(parts as Part[]),
    concurrency,
    profile: values.profile === true,
    gatewayNodeOptions: values['gateway-node-options']?.split(/\s+/).filter((o) => o !== '') ?? [],
    gatewayUserConcurrency:
      values['gateway-user-concurrency'] === undefined
        ? null
        : positiveNumber(values['gateway-user-concurrency'], 10, 'gateway-user-concurrency'),
    mongodbUri: values['mongodb-uri'] ?? null,
    gmailFetch,
    latency: {
      listMedianMs: 120,
      getMedianMs: 100,
      sigma,
      warmupPairs: quick ? 2 : 5,
      pairs: quick ? 8 : 60,
      naiveMinSamples: quick ? 2 : 15,
      naiveMaxSamples: quick ? 4 : 40,
      batchOverheadMs,
    },
    messageView: quick ? { warmupPairs: 2, pairs: 10 } : { warmupPairs: 5, pairs: 60 },
    tail: quick ? { warmupMs: 500, rounds: 1, roundMs: 2000 } : { warmupMs: 2000, rounds: 3, roundMs: 4000 },
    throughput: quick
      ? { warmupMs: 500, rounds: 1, roundMs: 1500 }
      : { warmupMs: 10_000, rounds: 3, roundMs: 5000 },
    viewer: quick
      ? { warmupMs: 500, rounds: 1, roundMs: 1500 }
      : { warmupMs: 3000, rounds: 3, roundMs: 4000 },
    storm: { requests: 200, tokenLatencyMs: 200 },
    memory: { durationMs: quick ? 10_000 : 60_000, sampleEveryMs: 1000, fillLimitMs: quick ? 0 : 120_000 },
    mailboxes: quick
      ? { uncachedUsers: 32, messagesPerUser: 600, cachedUsers: 2, cachedPagesPerUser: 3 }
      : { uncachedUsers: 48, messagesPerUser: 2500, cachedUsers: 4, cachedPagesPerUser: 5 },
    timeLimitMs: quick ? 3 * 60_000 : 15 * 60_000,
  };
}

function positiveNumber(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number\n${USAGE}`);
  return value;
}
