import net from 'node:net';
import { commandName, runCommand } from './commands/dispatch';
import { CursorRegistry } from './cursors';
import { Engine } from './engine';
import { toCommandError } from './errors';
import { loadSnapshot, writeSnapshot } from './snapshot';
import { encodeMsgReply, encodeOpReply, MessageFramer, OpCode, parseRequest } from './wire';

export interface MongoServerOptions {
  /**
   * TCP port to listen on; 0 (the default) picks a free ephemeral port, read it back from `server.port`.
   * @example 27017
   */
  port?: number;
  /**
   * Interface to bind. Defaults to '127.0.0.1'.
   *
   * **Security:** the server speaks no authentication and no TLS. Binding anything but a loopback address hands
   * every database to anyone who can reach the port.
   */
  host?: string;
  /**
   * How often, in milliseconds, the TTL monitor deletes expired documents. Defaults to 1000. mongod sweeps every
   * 60 s, which would make local runs and tests wait a minute for an expiry; like mongod, a document may still be
   * read between its expiry time and the next sweep.
   * @example 50 // in a test that waits for an expiry
   */
  ttlMonitorIntervalMs?: number;
  /**
   * The clock the TTL monitor compares expiry dates with. Defaults to `() => new Date()`. Inject a fake to expire
   * documents without waiting. Nothing else reads it (`hello.localTime` and `$currentDate` use the real clock).
   * @example () => fakeNow
   */
  now?: () => Date;
  /**
   * Keeps the data in this file across restarts: loaded at start, and rewritten atomically (temporary file,
   * fsync, rename) `flushDelayMs` after a change and at stop(). A crash (SIGKILL, power cut) therefore loses at
   * most the writes of the last `flushDelayMs`; a clean stop() loses nothing. Unset (the default): memory only.
   * Every write rewrites the whole file, which suits local mode's few documents, not a large data set.
   * @example '.local/mongo.bson'
   */
  dataFile?: string;
  /**
   * With `dataFile`: how long after a change the snapshot is written, in milliseconds, so that a burst of writes
   * costs one file write. Default 100; 0 writes after every command that changed something.
   */
  flushDelayMs?: number;
}

export interface MongoServer {
  /** 'mongodb://127.0.0.1:<port>/'. No credentials: the server does not speak SCRAM. */
  readonly uri: string;
  readonly port: number;
  /** Closes the listener and destroys every client socket; prompt even with clients connected; idempotent. */
  stop(): Promise<void>;
  /** Simulates an outage: closes the listener and every socket and pauses the TTL monitor; keeps the data and cursors. */
  suspend(): Promise<void>;
  /** Listens again on the same port with the same data. Rejects after stop(). */
  resume(): Promise<void>;
  /**
   * What the server was asked since start: `commands` counts requests by command name (handshakes included,
   * failed and unknown commands too), `connections` counts accepted TCP connections.
   */
  readonly stats: { commands: Record<string, number>; connections: number };
}

/** Starts an in-memory MongoDB-compatible server for the real `mongodb` driver: tests, local mode, benchmarks. */
export async function start(options: MongoServerOptions = {}): Promise<MongoServer> {
  const server = new InMemoryMongoServer(options);
  await server.listen(options.port ?? 0);
  return server;
}

type State = 'running' | 'suspended' | 'stopped';

/** One per start(): owns the data, the cursors, the listener and every open socket until stop(). */
class InMemoryMongoServer implements MongoServer {
  // A null prototype: a command named "__proto__" or "constructor" is just another key.
  readonly stats = { commands: Object.create(null) as Record<string, number>, connections: 0 };
  private readonly engine = new Engine();
  private readonly cursors = new CursorRegistry();
  private readonly sockets = new Set<net.Socket>();
  private readonly host: string;
  private readonly now: () => Date;
  private readonly ttlMonitorIntervalMs: number;
  private listener: net.Server | undefined;
  private ttlMonitor: NodeJS.Timeout | undefined;
  /** 'suspended' until the first bind: not listening, data kept. */
  private state: State = 'suspended';
  /** Lifecycle calls run one after another, so a suspend() racing a resume() cannot interleave. */
  private lifecycle: Promise<void> = Promise.resolve();
  private boundPort = 0;
  private nextConnectionId = 1;
  private nextRequestId = 1;
  private readonly dataFile: string | undefined;
  private readonly flushDelayMs: number;
  /** The engine revision the data file holds. */
  private savedRevision = 0;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(options: MongoServerOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.now = options.now ?? (() => new Date());
    this.ttlMonitorIntervalMs = options.ttlMonitorIntervalMs ?? 1000;
    this.dataFile = options.dataFile;
    this.flushDelayMs = options.flushDelayMs ?? 100;
    if (this.dataFile !== undefined) {
      loadSnapshot(this.engine, this.dataFile);
      this.savedRevision = this.engine.revision;
    }
  }

  get port(): number {
    return this.boundPort;
  }

  get uri(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `mongodb://${host}:${this.boundPort}/`;
  }

  listen(port: number): Promise<void> {
    return this.serialized(() => this.bind(port));
  }

  stop(): Promise<void> {
    return this.serialized(async () => {
      if (this.state === 'stopped') return;
      this.state = 'stopped';
      await this.disconnect();
      this.cursors.clear();
      clearTimeout(this.flushTimer);
      this.flush();
    });
  }

  suspend(): Promise<void> {
    return this.serialized(async () => {
      if (this.state !== 'running') return;
      this.state = 'suspended';
      await this.disconnect();
    });
  }

  resume(): Promise<void> {
    return this.serialized(async () => {
      if (this.state === 'stopped') throw new Error('mongo-server: cannot resume a stopped server');
      if (this.state === 'suspended') await this.bind(this.boundPort);
    });
  }

  private serialized(step: () => Promise<void>): Promise<void> {
    const next = this.lifecycle.then(step);
    this.lifecycle = next.catch(() => undefined);
    return next;
  }

  private async bind(port: number): Promise<void> {
    const listener = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(port, this.host, () => {
        listener.off('error', reject);
        resolve();
      });
    });
    this.listener = listener;
    this.boundPort = (listener.address() as net.AddressInfo).port;
    this.state = 'running';
    // unref: a forgotten server must not keep a test process (or jest) alive.
    this.ttlMonitor = setInterval(() => this.sweep(), this.ttlMonitorIntervalMs).unref();
  }

  /** Stops listening and sweeping, and destroys every socket so that close() does not wait for clients. */
  private async disconnect(): Promise<void> {
    clearInterval(this.ttlMonitor);
    this.ttlMonitor = undefined;
    const listener = this.listener;
    this.listener = undefined;
    listener?.close();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (listener) await new Promise<void>((resolve) => listener.once('close', () => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    this.stats.connections += 1;
    const connectionId = this.nextConnectionId++;
    const framer = new MessageFramer();
    socket.setNoDelay(true);
    // The driver may close a socket without reading the reply; nothing to do about it.
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const message of framer.push(chunk)) {
          if (socket.destroyed) return;
          this.handle(socket, message, connectionId);
        }
      } catch {
        // A malformed message: this connection cannot be resynchronised, the others carry on.
        socket.destroy();
      }
    });
  }

  private handle(socket: net.Socket, message: Buffer, connectionId: number): void {
    const request = parseRequest(message);
    const name = commandName(request.command);
    this.stats.commands[name] = (this.stats.commands[name] ?? 0) + 1;
    const reply = runCommand(request, {
      engine: this.engine,
      cursors: this.cursors,
      db: request.db,
      connectionId,
    });
    this.changed();
    if (request.moreToCome) return;
    const encode = request.opCode === OpCode.QUERY ? encodeOpReply : encodeMsgReply;
    let bytes: Buffer;
    try {
      bytes = encode(this.nextRequestId++, request.requestId, reply);
    } catch (error) {
      // e.g. a reply over the BSON size limit: still an answer, not a dead connection.
      bytes = encode(this.nextRequestId++, request.requestId, toCommandError(error).toReply());
    }
    socket.write(bytes);
  }

  /** One TTL monitor pass; also reaps cursors left idle by their clients. Never throws into the timer. */
  private sweep(): void {
    try {
      this.engine.expire(this.now());
      this.cursors.reapIdle(Date.now());
    } catch (error) {
      console.error('mongo-server: TTL sweep failed', error);
    }
    this.changed();
  }

  /** Schedules a snapshot when the data moved past the saved one (at most one pending). */
  private changed(): void {
    if (this.dataFile === undefined || this.engine.revision === this.savedRevision) return;
    if (this.flushDelayMs === 0) return this.flush();
    // unref: a pending write must not keep the process alive; stop() writes whatever is left.
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, this.flushDelayMs).unref();
  }

  /** Writes the snapshot now if it is stale. Never throws into a timer: a failed write is retried on the next change. */
  private flush(): void {
    if (this.dataFile === undefined || this.engine.revision === this.savedRevision) return;
    const revision = this.engine.revision;
    try {
      writeSnapshot(this.engine, this.dataFile);
      this.savedRevision = revision;
    } catch (error) {
      console.error(`mongo-server: could not write ${this.dataFile}`, error);
    }
  }
}
