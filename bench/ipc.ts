import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * A child process's API as the benchmark sees it: one async method per name, one JSON-serialisable argument.
 * The benchmark runs each server under test (gateway, baselines, stand-ins) in its own process, so that the load
 * generator's event loop and memory never count against it.
 */
export type ProcessApi<A> = { [K in keyof A]: (params: never) => Promise<unknown> };

type ParamsOf<F> = F extends (params: infer P) => Promise<unknown> ? P : never;
type ResultOf<F> = F extends (params: never) => Promise<infer R> ? R : never;

interface CallMessage {
  readonly id: number;
  readonly method: string;
  readonly params: unknown;
}

/** What every child reports about itself, for CPU and memory accounting. */
export interface ProcessUsage {
  /** User + system CPU time since the process started, ms. */
  readonly cpuMs: number;
  readonly rssMB: number;
  readonly heapUsedMB: number;
  /** V8 heap reserved (used or not), and memory outside it: Buffers and other native allocations V8 knows of. */
  readonly heapTotalMB: number;
  readonly externalMB: number;
}

const USAGE_METHOD = '__usage';

export function ownUsage(): ProcessUsage {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  const mb = (bytes: number) => bytes / 2 ** 20;
  return {
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssMB: mb(memory.rss),
    heapUsedMB: mb(memory.heapUsed),
    heapTotalMB: mb(memory.heapTotal),
    externalMB: mb(memory.external),
  };
}

type ReplyMessage =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

/**
 * Child side: answers the parent's calls with `api`. The child exits when the parent goes away (disconnect),
 * so that no benchmark process outlives the run, whatever happened to the parent.
 */
export function serveParentCalls<A extends ProcessApi<A>>(api: A): void {
  if (process.send === undefined)
    throw new Error('this script is started by bench/run.ts (it needs an IPC channel)');
  const send = process.send.bind(process);
  const handlers = api as unknown as Record<string, (params: unknown) => Promise<unknown>>;
  process.on('message', (message: CallMessage) => {
    const reply = (answer: ReplyMessage): void => void send(answer);
    if (message.method === USAGE_METHOD) {
      reply({ id: message.id, ok: true, result: ownUsage() });
      return;
    }
    const handler = Object.hasOwn(handlers, message.method) ? handlers[message.method] : undefined;
    if (handler === undefined) {
      reply({ id: message.id, ok: false, error: `unknown method ${message.method}` });
      return;
    }
    handler(message.params).then(
      (result) => reply({ id: message.id, ok: true, result: result ?? null }),
      (error: unknown) =>
        reply({
          id: message.id,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

export interface ChildOptions {
  /** Extra node flags, e.g. `--cpu-prof`. */
  readonly execArgv?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Keep the child's stdout (false: discard it, e.g. the gateway's one JSON log line per request). */
  readonly stdout?: boolean;
  /** Longest a call may take before the benchmark gives up (ms). */
  readonly callTimeoutMs?: number;
}

/** Parent side: one child process running `dist/bench/<script>.js`, created once per server under test. */
export class ChildProcessHandle<A extends ProcessApi<A>> {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private exited: Promise<void>;
  private exitedWith: string | null = null;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    private readonly callTimeoutMs: number,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitedWith = signal ?? `code ${code}`;
        for (const { reject } of this.pending.values()) {
          reject(new Error(`${name} process exited (${this.exitedWith}) during a call`));
        }
        this.pending.clear();
        resolve();
      });
    });
    child.on('message', (message: ReplyMessage) => {
      const waiting = this.pending.get(message.id);
      if (waiting === undefined) return;
      this.pending.delete(message.id);
      if (message.ok) waiting.resolve(message.result);
      else waiting.reject(new Error(`${name}: ${message.error}`));
    });
  }

  /** Forks `dist/bench/<script>.js` (this file's folder once compiled). */
  static start<A extends ProcessApi<A>>(script: string, options: ChildOptions = {}): ChildProcessHandle<A> {
    const child = fork(join(__dirname, `${script}.js`), [], {
      execArgv: [...(options.execArgv ?? [])],
      env: { ...process.env, ...options.env },
      stdio: ['ignore', options.stdout === true ? 'inherit' : 'ignore', 'inherit', 'ipc'],
    });
    return new ChildProcessHandle<A>(script, child, options.callTimeoutMs ?? 120_000);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The child's CPU time and memory, as it measures them itself. */
  usage(): Promise<ProcessUsage> {
    return this.request(USAGE_METHOD, {}) as Promise<ProcessUsage>;
  }

  call<K extends keyof A & string>(method: K, params: ParamsOf<A[K]>): Promise<ResultOf<A[K]>> {
    return this.request(method, params) as Promise<ResultOf<A[K]>>;
  }

  private request(method: string, params: unknown): Promise<unknown> {
    if (this.exitedWith !== null) {
      return Promise.reject(new Error(`${this.name} process has exited (${this.exitedWith})`));
    }
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}.${method} did not answer within ${this.callTimeoutMs} ms`));
      }, this.callTimeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ id, method, params } satisfies CallMessage);
    });
  }

  /** Disconnects (the child then exits by itself, writing its CPU profile if asked to); kills it after 10 s. */
  async stop(): Promise<void> {
    if (this.exitedWith !== null) return;
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
