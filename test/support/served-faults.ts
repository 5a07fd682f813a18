// The emulators whose armed faults are checked after every test (by the setup file after-each-served-faults.ts):
// each must have served every fault the test armed. A fault nobody hit means the test did not exercise the failure it claims to
// (STYLE #8: tests check that armed fakes were used).
import type { GoogleEmulator, UnservedFault } from '../../dev/google-emulator';

const REGISTRY = Symbol.for('gmail-gateway.test.watched-emulators');
type Watched = Pick<GoogleEmulator, 'unservedFaults' | 'clearFaults'>;
/** How many watchers (harnesses) each emulator has: two harnesses may share one. */
type Registry = Map<Watched, number>;

// On globalThis rather than in this module, so the hook and the harness share one set whatever module registry
// loaded them.
function watched(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (holder[REGISTRY] ??= new Map());
}

/** Checks `emulator` after each test until unwatchFaults. */
export function watchFaults(emulator: Watched): void {
  watched().set(emulator, (watched().get(emulator) ?? 0) + 1);
}

export function unwatchFaults(emulator: Watched): void {
  const count = (watched().get(emulator) ?? 0) - 1;
  if (count > 0) watched().set(emulator, count);
  else watched().delete(emulator);
}

export function describeFault({ endpoint, fault }: UnservedFault): string {
  const times = fault.times ?? 1;
  const details = [
    `status ${fault.status}`,
    ...(fault.reason !== undefined ? [`reason ${fault.reason}`] : []),
    ...(fault.messageId !== undefined ? [`messageId ${fault.messageId}`] : []),
    `times ${times}`,
  ];
  return `${endpoint} (${details.join(', ')})`;
}

/**
 * Throws when `emulator` holds armed faults that answered no request, naming them; clears its faults first, so
 * that one test's leftovers do not fail the next.
 */
export function assertFaultsServed(emulator: Watched): void {
  const unserved = emulator.unservedFaults();
  if (unserved.length === 0) return;
  emulator.clearFaults();
  throw new Error(
    `${unserved.length} armed fault(s) never served: ${unserved.map(describeFault).join('; ')}. ` +
      'A test that arms a fault must make the gateway hit it, or clearFaults() saying why it may stay unused.',
  );
}

/** Runs assertFaultsServed on every watched emulator. */
export function assertWatchedFaultsServed(): void {
  for (const emulator of watched().keys()) assertFaultsServed(emulator);
}
