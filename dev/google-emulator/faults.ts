import { setTimeout as sleep } from 'node:timers/promises';
import { renderOAuthErrorPage } from './consent-page';
import { apiFault, oauthFault, type FaultWording } from './google-errors';
import type { Reply } from './http';
import { Random } from './random';
import type { EndpointName, FaultSpec, LatencySpec, UnservedFault } from './types';
import { ENDPOINT_NAMES } from './types';

interface ArmedFault {
  readonly spec: FaultSpec;
  remaining: number;
  readonly endpoint: EndpointName;
  served: number;
}

/**
 * Injected failures and latency, one per emulator. A fault answers the next `times` requests of its endpoint
 * (oldest fault first); latency is sampled from a seeded PRNG, so a run's delays are reproducible.
 */
export class FaultInjector {
  private readonly faults = new Map<EndpointName, ArmedFault[]>();
  /** Every fault armed since the last clear(), served out or not, so unserved() can name the idle ones. */
  private readonly armed: ArmedFault[] = [];
  private readonly latencies = new Map<EndpointName | '*', LatencySpec>();
  private readonly random: Random;

  constructor(seed: number) {
    this.random = new Random(Random.seedFrom(seed, 'latency'));
  }

  inject(endpoint: EndpointName, spec: FaultSpec): void {
    if (!ENDPOINT_NAMES.includes(endpoint)) throw new Error(`unknown endpoint: ${String(endpoint)}`);
    if (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599) {
      throw new Error(`fault status must be an HTTP error status (400-599), got ${spec.status}`);
    }
    const times = spec.times ?? 1;
    if (!(times >= 1)) throw new Error(`fault times must be >= 1, got ${times}`);
    if (
      spec.messageId !== undefined &&
      endpoint !== 'messages.get' &&
      endpoint !== 'messages.attachments.get'
    ) {
      throw new Error('a fault with messageId applies to messages.get and messages.attachments.get only');
    }
    validateWording(spec);
    const list = this.faults.get(endpoint) ?? [];
    const fault: ArmedFault = { spec: { ...spec }, remaining: times, endpoint, served: 0 };
    list.push(fault);
    this.armed.push(fault);
    this.faults.set(endpoint, list);
  }

  /** Consumes and returns the fault for this request, if one is armed. */
  take(endpoint: EndpointName, messageId: string | undefined): FaultSpec | null {
    const list = this.faults.get(endpoint);
    const index =
      list?.findIndex((f) => f.spec.messageId === undefined || f.spec.messageId === messageId) ?? -1;
    if (!list || index < 0) return null;
    const fault = list[index]!;
    fault.remaining -= 1;
    fault.served += 1;
    if (fault.remaining <= 0) list.splice(index, 1);
    return fault.spec;
  }

  setLatency(endpoint: EndpointName | '*', spec: LatencySpec | null): void {
    if (endpoint !== '*' && !ENDPOINT_NAMES.includes(endpoint)) {
      throw new Error(`unknown endpoint: ${String(endpoint)}`);
    }
    if (spec === null) {
      this.latencies.delete(endpoint);
      return;
    }
    validateLatency(spec);
    this.latencies.set(endpoint, { ...spec });
  }

  /** Faults armed since the last clear() that answered no request at all (a `times: Infinity` one served once counts). */
  unserved(): UnservedFault[] {
    return this.armed
      .filter((f) => f.served === 0)
      .map((f) => ({ endpoint: f.endpoint, fault: { ...f.spec } }));
  }

  clear(): void {
    this.faults.clear();
    this.armed.length = 0;
    this.latencies.clear();
  }

  /**
   * Waits the endpoint's latency (its own, else the '*' one; `batch` has only its own, being an overhead on top
   * of its inner calls'); rejects with an AbortError when `signal` fires.
   */
  async delay(endpoint: EndpointName, signal: AbortSignal): Promise<void> {
    const spec = this.latencies.get(endpoint) ?? (endpoint === 'batch' ? undefined : this.latencies.get('*'));
    if (!spec) return;
    const ms = this.sample(spec);
    if (ms > 0) await sleep(ms, undefined, { signal });
  }

  private sample(spec: LatencySpec): number {
    switch (spec.distribution) {
      case 'fixed':
        return spec.ms;
      case 'uniform':
        return spec.minMs + this.random.next() * (spec.maxMs - spec.minMs);
      case 'lognormal':
        return spec.medianMs * Math.exp(spec.sigma * this.random.normal());
      default: {
        const unknown: never = spec;
        throw new Error(`unknown latency distribution: ${JSON.stringify(unknown)}`);
      }
    }
  }
}

function validateWording(spec: FaultSpec): void {
  if (spec.stallMs !== undefined && !(spec.stallMs >= 0)) throw new Error('fault stallMs must be >= 0');
  const retryAt = spec.retryAt instanceof Date ? spec.retryAt.getTime() : spec.retryAt;
  if (retryAt !== undefined && !Number.isFinite(retryAt))
    throw new Error('fault retryAt must be a valid time');
}

/** setTimeout fires at once for delays it cannot hold; a longer stall waits for the abort alone. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Holds a stalled request for `fault.stallMs` (forever for Infinity); rejects with an AbortError when `signal`
 * fires (the client hung up or the emulator stops), so no stall outlives either.
 */
export async function stall(fault: FaultSpec, signal: AbortSignal): Promise<void> {
  const ms = fault.stallMs;
  if (ms === undefined) return;
  if (ms <= MAX_TIMER_MS) {
    await sleep(ms, undefined, { signal });
    return;
  }
  await new Promise<never>((_, reject) => {
    const abort = (): void => reject(signal.reason as Error);
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
  });
}

function validateLatency(spec: LatencySpec): void {
  const numbers = Object.entries(spec).filter(([key]) => key !== 'distribution');
  for (const [key, value] of numbers) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(`latency ${key} must be a finite number >= 0`);
    }
  }
  if (spec.distribution === 'uniform' && spec.maxMs < spec.minMs) throw new Error('latency maxMs < minMs');
  if (!['fixed', 'uniform', 'lognormal'].includes(spec.distribution)) {
    throw new Error(`unknown latency distribution: ${String(spec.distribution)}`);
  }
}

/**
 * What an injected fault answers, in the endpoint's own error shape, with `Retry-After` when asked.
 * `projectNumber` goes into the messages that name the Cloud project.
 */
export function faultReply(endpoint: EndpointName, fault: FaultSpec, projectNumber?: string): Reply {
  const headers: Record<string, string> =
    fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
  switch (endpoint) {
    case 'auth': {
      const page = renderOAuthErrorPage(
        fault.status,
        fault.reason ?? 'server_error',
        'Injected by the emulator.',
      );
      return { ...page, headers: { ...page.headers, ...headers } };
    }
    case 'token':
    case 'revoke':
    case 'tokeninfo':
      return oauthFault(fault.status, fault.reason, headers, fault.message);
    case 'userinfo':
    case 'batch':
    case 'messages.list':
    case 'messages.get':
    case 'messages.attachments.get':
    case 'threads.list':
    case 'threads.get':
    case 'labels.list':
    case 'labels.get':
      return apiFault(fault.status, fault.reason, headers, wordingOf(endpoint, fault, projectNumber));
    default: {
      const unknown: never = endpoint;
      throw new Error(`unknown endpoint ${String(unknown)}`);
    }
  }
}

function wordingOf(
  endpoint: EndpointName,
  fault: FaultSpec,
  projectNumber: string | undefined,
): FaultWording {
  const retryAt = fault.retryAt instanceof Date ? fault.retryAt.getTime() : fault.retryAt;
  return {
    endpoint,
    ...(fault.message !== undefined ? { message: fault.message } : {}),
    ...(retryAt !== undefined ? { retryAt } : {}),
    ...(projectNumber !== undefined ? { projectNumber } : {}),
  };
}
