import { randomUUID } from 'node:crypto';

/**
 * Our id for one request: always made here, never taken from the caller, so that log lines carrying it are ours
 * alone (a caller could otherwise reuse another request's id and blur who did what).
 */
export function newRequestId(): string {
  return randomUUID();
}

/**
 * The caller's own `x-request-id`, when short and plain: logged beside ours as `clientRequestId` so that the
 * two sides can be matched, never echoed back as ours. Anything else counts as none.
 */
export function clientRequestIdOf(header: string | string[] | undefined): string | null {
  return typeof header === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(header) ? header : null;
}
