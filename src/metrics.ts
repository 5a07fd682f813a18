import { Counter, Histogram, Registry } from 'prom-client';
import { classifyGoogleError } from './upstream/google-errors';
import { isMongoUnavailable } from './upstream/mongo-errors';

/** How a GraphQL request ended: `ok` without errors, `error` with any. */
export type RequestOutcome = 'ok' | 'error';
/** Quota units Gmail charged for a call (`spent`), or that the gateway refused to spend (`refused`). */
export type QuotaOutcome = 'spent' | 'refused';

/** Distinct operation names kept as labels; later ones count as `other`, so clients cannot grow the series. */
const MAX_OPERATION_LABELS = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Request latency buckets, in seconds: a cached page answers in milliseconds, a cold one in about a second. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The gateway's Prometheus series (listed in README.md, "Metrics"). One per gateway, created once per process by
 * main.ts, with its own registry rather than prom-client's global one, so that several gateways in one process
 * (the tests) count separately.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly operations = new Set<string>();
  private readonly countedMongoErrors = new WeakSet<object>();

  private readonly requests = new Counter({
    name: 'gateway_graphql_requests_total',
    help: 'GraphQL requests by operation name and outcome (ok, error).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly requestSeconds = new Histogram({
    name: 'gateway_graphql_request_duration_seconds',
    help: 'GraphQL request latency in seconds, by operation name and outcome.',
    labelNames: ['operation', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly gmailCalls = new Counter({
    name: 'gateway_gmail_calls_total',
    help: 'Gmail API calls (each retry counted) by method and HTTP status; "network" when no answer came.',
    labelNames: ['method', 'status'] as const,
    registers: [this.registry],
  });
  private readonly quotaUnits = new Counter({
    name: 'gateway_gmail_quota_units_total',
    help: 'Gmail quota units spent on calls, and refused before calling (the per-user budget was used up).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly tokenRefreshes = new Counter({
    name: 'gateway_google_token_refreshes_total',
    help: 'Google access token refreshes: ok (new tokens received) and failed (Google answered invalid_grant).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly cacheLookups = new Counter({
    name: 'gateway_metadata_cache_lookups_total',
    help: 'Message metadata reads: hit (served from the cache) or miss (fetched from Gmail with messages.get).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly mongoErrors = new Counter({
    name: 'gateway_mongodb_errors_total',
    help: 'Requests that failed because MongoDB could not be reached (answered UPSTREAM_UNAVAILABLE).',
    registers: [this.registry],
  });

  constructor() {
    for (const outcome of ['spent', 'refused'] satisfies QuotaOutcome[]) this.quotaUnits.inc({ outcome }, 0);
    for (const outcome of ['ok', 'failed']) this.tokenRefreshes.inc({ outcome }, 0);
    for (const result of ['hit', 'miss']) this.cacheLookups.inc({ result }, 0);
  }

  /** One finished GraphQL request (the request log plugin). */
  request(operationName: string | null, outcome: RequestOutcome, seconds: number): void {
    const labels = { operation: this.operationLabel(operationName), outcome };
    this.requests.inc(labels);
    this.requestSeconds.observe(labels, seconds);
  }

  /**
   * Runs one attempt of a Gmail call and counts it by its status (GmailClient's call(), once per retry). A 401
   * that a token refresh and a replay answered counts once, by the replay's status; a refresh that Google
   * refused (invalid_grant) counts as a failed token refresh instead of a Gmail call.
   */
  async gmailCall<T>(method: string, request: () => Promise<T>): Promise<T> {
    try {
      const result = await request();
      this.gmailCalls.inc({ method, status: '200' });
      return result;
    } catch (error) {
      if (classifyGoogleError(error).kind === 'invalidGrant') this.tokenRefreshes.inc({ outcome: 'failed' });
      else this.gmailCalls.inc({ method, status: httpStatusOf(error) });
      throw error;
    }
  }

  /**
   * Quota units of one Gmail call: `spent` when it was made, `refused` when the gateway's quota accounting
   * declined to make it. For the quota code; units as in Google's table (messages.list 5, messages.get 5).
   */
  quota(outcome: QuotaOutcome, units: number): void {
    this.quotaUnits.inc({ outcome }, units);
  }

  /** Google gave a client new tokens (the pool's 'tokens' event). */
  tokensRefreshed(): void {
    this.tokenRefreshes.inc({ outcome: 'ok' });
  }

  /** One metadata cache lookup. */
  cacheLookup(hit: boolean): void {
    this.cacheLookups.inc({ result: hit ? 'hit' : 'miss' });
  }

  /** Counts an error once if it means MongoDB is unreachable (the error translator sees one error several times). */
  storeError(error: unknown): void {
    if (typeof error !== 'object' || error === null || this.countedMongoErrors.has(error)) return;
    if (!isMongoUnavailable(error)) return;
    this.countedMongoErrors.add(error);
    this.mongoErrors.inc();
  }

  /** The exposition text and its content type, for GET /metrics. */
  async scrape(): Promise<{ readonly contentType: string; readonly body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private operationLabel(name: string | null): string {
    if (name === null) return '(anonymous)';
    if (!OPERATION_NAME.test(name)) return '(invalid)';
    if (this.operations.has(name)) return name;
    if (this.operations.size >= MAX_OPERATION_LABELS) return '(other)';
    this.operations.add(name);
    return name;
  }
}

function httpStatusOf(error: unknown): string {
  const failed = error as { status?: unknown; response?: { status?: unknown } } | null;
  const status = failed?.response?.status ?? failed?.status;
  return typeof status === 'number' ? String(status) : 'network';
}
