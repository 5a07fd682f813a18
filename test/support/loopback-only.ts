// Jest setup file: every test file runs with this loaded. Tests talk to the stand-ins in dev/ on loopback and to
// nothing else, so a connection anywhere else is a bug in the test (or a leaked real endpoint in a config). The
// guard sits in net.Socket#connect, which net.connect, tls.connect, http, the mongodb driver and the fetch that
// gaxios uses all go through; it throws before the socket resolves a name or sends a packet.
import { isIP, Socket } from 'node:net';

export class LoopbackOnlyError extends Error {
  override readonly name = 'LoopbackOnlyError';

  constructor(target: string) {
    super(
      `tests may only connect to loopback (127.0.0.0/8, ::1, localhost); refused a connection to ${target}`,
    );
  }
}

/** Whether a host names the loopback interface without asking DNS. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const lower = bare.toLowerCase();
  if (lower === 'localhost' || lower === 'localhost.') return true;
  const mapped = lower.startsWith('::ffff:') ? lower.slice('::ffff:'.length) : lower;
  if (isIP(mapped) === 4) return mapped.startsWith('127.');
  if (isIP(lower) === 6) return lower === '::1' || lower === '0:0:0:0:0:0:0:1';
  return false;
}

interface ConnectTarget {
  readonly host?: unknown;
  readonly port?: unknown;
  readonly path?: unknown;
}

/** The target of a Socket#connect call, in any of the shapes Node accepts (net.connect passes an array). */
function targetOf(args: readonly unknown[]): ConnectTarget {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'object' && first !== null) return first as ConnectTarget;
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { path: first };
  return { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
}

function assertLoopback(target: ConnectTarget): void {
  // A Unix socket or named pipe never leaves the machine.
  if (typeof target.path === 'string' && target.path !== '') return;
  // Node connects to localhost when no host is given.
  const host = typeof target.host === 'string' && target.host !== '' ? target.host : 'localhost';
  if (!isLoopbackHost(host)) throw new LoopbackOnlyError(`${host}:${String(target.port)}`);
}

const ORIGINAL = Symbol.for('gmail-gateway.test.unguarded-connect');
type Connect = (this: Socket, ...args: unknown[]) => Socket;
const prototype = Socket.prototype as unknown as Record<PropertyKey, unknown> & { connect: Connect };

// The prototype outlives a test file (a jest worker runs many); each file loads this module afresh. Wrap the
// original connect, kept aside the first time, so that the error thrown is this file's LoopbackOnlyError.
const original = (prototype[ORIGINAL] ??= prototype.connect) as Connect;
prototype.connect = function guardedConnect(this: Socket, ...args: unknown[]): Socket {
  assertLoopback(targetOf(args));
  return original.apply(this, args);
};

// fetch would also be refused by the socket guard, but only as the `cause` of a bare "fetch failed"; refusing
// the URL up front names the target in the rejection itself.
const realFetch = globalThis.fetch;
/** Node's fetch without the URL check, for the test that the socket guard holds under it too. */
export const fetchWithoutUrlCheck = realFetch;
globalThis.fetch = async function loopbackFetch(input: string | URL | Request, init?: RequestInit) {
  const url = new URL(input instanceof Request ? input.url : String(input));
  // data: and blob: URLs never open a connection.
  const networked = url.protocol === 'http:' || url.protocol === 'https:';
  if (networked && !isLoopbackHost(url.hostname)) throw new LoopbackOnlyError(url.host);
  return realFetch(input, init);
};
