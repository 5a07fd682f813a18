import net from 'node:net';

/** How a proxy direction re-cuts the byte stream. */
export type Rechunking =
  /** Forward every byte, cut into pieces of the sizes `nextSize` gives, one write per piece. */
  | { readonly split: () => number }
  /** Hold everything that arrives within `windowMs`, then forward it as one chunk. */
  | { readonly coalesceWindowMs: number };

/** What one direction of a proxy did: the fake records what it was asked, so a test can check it happened. */
export class DirectionStats {
  chunks = 0;
  largestChunk = 0;
  /** The most complete wire messages that ended inside a single forwarded chunk. */
  mostMessagesInOneChunk = 0;
  private headerBytes: number[] = [];
  private remaining = 0;

  record(chunk: Buffer): void {
    this.chunks += 1;
    this.largestChunk = Math.max(this.largestChunk, chunk.length);
    let completed = 0;
    for (let offset = 0; offset < chunk.length;) {
      if (this.remaining === 0) {
        this.headerBytes.push(chunk[offset]);
        offset += 1;
        if (this.headerBytes.length === 4) {
          this.remaining = Buffer.from(this.headerBytes).readInt32LE(0) - 4;
          this.headerBytes = [];
        }
        continue;
      }
      const taken = Math.min(this.remaining, chunk.length - offset);
      this.remaining -= taken;
      offset += taken;
      if (this.remaining === 0) completed += 1;
    }
    this.mostMessagesInOneChunk = Math.max(this.mostMessagesInOneChunk, completed);
  }
}

/**
 * A loopback TCP proxy between the driver and a server that re-cuts the byte stream, to prove both sides frame
 * messages by their length prefix rather than by TCP chunk. One per test; close() ends every connection.
 */
export class RechunkingProxy {
  readonly toServer = new DirectionStats();
  readonly toClient = new DirectionStats();
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly listener: net.Server,
    private readonly targetUri: string,
  ) {}

  static async start(
    targetUri: string,
    rechunking: { toServer: Rechunking; toClient: Rechunking },
  ): Promise<RechunkingProxy> {
    const { host, port } = firstHost(targetUri);
    const listener = net.createServer();
    const proxy = new RechunkingProxy(listener, targetUri);
    listener.on('connection', (client) => {
      const server = net.connect(port, host);
      for (const socket of [client, server]) {
        proxy.sockets.add(socket);
        socket.setNoDelay(true);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          proxy.sockets.delete(socket);
          client.destroy();
          server.destroy();
        });
      }
      client.on('data', forwarder(server, rechunking.toServer, proxy.toServer));
      server.on('data', forwarder(client, rechunking.toClient, proxy.toClient));
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** The target's URI pointed at the proxy; directConnection keeps a replica set from routing around it. */
  get uri(): string {
    const { port } = this.listener.address() as net.AddressInfo;
    const proxied = this.targetUri.replace(/^(mongodb:\/\/(?:[^@/]*@)?)[^/?]+/, `$1127.0.0.1:${port}`);
    const [base, query] = proxied.split('?');
    const path = base.includes('/', 'mongodb://'.length) ? base : `${base}/`;
    return `${path}?${query ? `${query}&` : ''}directConnection=true`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
  }
}

function forwarder(
  destination: net.Socket,
  rechunking: Rechunking,
  stats: DirectionStats,
): (chunk: Buffer) => void {
  const send = (piece: Buffer) => {
    stats.record(piece);
    destination.write(piece);
  };
  if ('coalesceWindowMs' in rechunking) {
    let held: Buffer[] = [];
    return (chunk) => {
      if (held.length === 0) {
        setTimeout(() => {
          const merged = Buffer.concat(held);
          held = [];
          send(merged);
        }, rechunking.coalesceWindowMs).unref();
      }
      held.push(chunk);
    };
  }
  // Pieces are written one event-loop turn apart, so the receiver reads them as separate chunks.
  let queue = Promise.resolve();
  return (chunk) => {
    queue = queue.then(async () => {
      for (let offset = 0; offset < chunk.length;) {
        const size = Math.max(1, rechunking.split());
        send(chunk.subarray(offset, offset + size));
        offset += size;
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
  };
}

/** The first host of a mongodb:// URI (the only one the proxy forwards to). */
export function firstHost(uri: string): { host: string; port: number } {
  const match = /^mongodb:\/\/(?:[^@/]*@)?([^/?,]+)/.exec(uri);
  if (!match) throw new Error(`the proxy needs a mongodb:// URI, got ${uri}`);
  const [host, port] = match[1].split(':');
  return { host, port: Number(port ?? 27017) };
}

/** A small seeded PRNG, so a failing random cut can be replayed. */
export function seededSizes(seed: number, max: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return 1 + ((((t ^ (t >>> 14)) >>> 0) % max) >>> 0);
  };
}
