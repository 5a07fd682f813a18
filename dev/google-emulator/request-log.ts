import type { EndpointName, RecordedRequest } from './types';

/**
 * Query parameters that carry secrets or one-time values. The log keeps metadata only, so that printing it in
 * a failing test or over `GET /__emulator/requests` leaks nothing a client could replay.
 */
const REDACTED_PARAMS = new Set([
  'access_token',
  'token',
  'code',
  'code_verifier',
  'client_secret',
  'refresh_token',
  'id_token',
  'state',
  'assertion',
]);

export const DEFAULT_REQUEST_LOG_LIMIT = 10_000;

/** Record of every request, one per emulator; bounded (oldest dropped first), with exact per-endpoint totals. */
export class RequestLog {
  private entries: RecordedRequest[] = [];
  private readonly totals = new Map<RecordedRequest['endpoint'], number>();

  constructor(private readonly limit = DEFAULT_REQUEST_LOG_LIMIT) {}

  record(entry: RecordedRequest): void {
    this.entries.push(entry);
    this.totals.set(entry.endpoint, (this.totals.get(entry.endpoint) ?? 0) + 1);
    // Drop a tenth at once so that a busy benchmark does not shift the array on every request.
    if (this.entries.length > this.limit) this.entries.splice(0, Math.max(1, Math.floor(this.limit / 10)));
  }

  snapshot(): RecordedRequest[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
    this.totals.clear();
  }

  /** Without a filter the count stays exact even after old entries were dropped. */
  count(endpoint: EndpointName, filter?: (r: RecordedRequest) => boolean): number {
    if (!filter) return this.totals.get(endpoint) ?? 0;
    return this.entries.filter((r) => r.endpoint === endpoint && filter(r)).length;
  }
}

/** The query as the log keeps it: repeated keys joined with ',', secrets replaced. */
export function loggableQuery(query: URLSearchParams): Record<string, string> {
  const result: Record<string, string> = {};
  for (const key of new Set(query.keys())) {
    result[key] = REDACTED_PARAMS.has(key) ? '[redacted]' : query.getAll(key).join(',');
  }
  return result;
}
