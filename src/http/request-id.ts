import { randomUUID } from 'node:crypto';

/** Accepts a caller's request id when it is short and plain; otherwise makes one. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(header) ? header : randomUUID();
}
