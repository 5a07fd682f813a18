import { randomBytes } from 'node:crypto';
import { MongoClient, type Db, type Document, type MongoClientOptions, type ObjectId } from 'mongodb';
import { start, type MongoServer, type MongoServerOptions } from '../../../dev/mongo-server';

/**
 * Set MONGODB_URI to run this suite unchanged against a real MongoDB; otherwise each test file starts its own
 * dev/mongo-server on a free loopback port.
 */
const externalUri = process.env.MONGODB_URI || undefined;

/** True when the suite runs against dev/mongo-server, whose controls (clock, stop, suspend, stats) tests may use. */
export const ownServer = externalUri === undefined;

/** `it` for tests that need the server's own controls; skipped against a real MongoDB, saying why. */
export function itWithOwnServer(name: string, test: jest.ProvidesCallback, timeout?: number): void {
  if (ownServer) it(name, test, timeout);
  else it.skip(`${name} [needs dev/mongo-server: skipped with MONGODB_URI]`, test, timeout);
}

/** A document of any shape whose `_id` the test chooses (the driver's default schema assumes an ObjectId). */
export type TestDoc = Document & { _id?: string | number | ObjectId };

export interface Target {
  readonly uri: string;
  /** A database name unique to this test file; close() drops it. */
  readonly dbName: string;
  /** A connected client, closed by close(). */
  connect(options?: MongoClientOptions): Promise<MongoClient>;
  /** The database through a client of its own, connected on first use. */
  db(): Promise<Db>;
  /** The server's own controls; throws against a real MongoDB (use itWithOwnServer). */
  server(): MongoServer;
  /** Drops the database, closes every client, stops the server started here. */
  close(): Promise<void>;
}

export async function startTarget(label: string, options: MongoServerOptions = {}): Promise<Target> {
  const server = ownServer ? await start(options) : undefined;
  const uri = server?.uri ?? (externalUri as string);
  const dbName = `mongo_server_${label}_${randomBytes(4).toString('hex')}`;
  const clients: MongoClient[] = [];
  const connect = async (clientOptions: MongoClientOptions = {}) => {
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000, ...clientOptions });
    clients.push(client);
    await client.connect();
    return client;
  };
  let first: Promise<MongoClient> | undefined;
  return {
    uri,
    dbName,
    connect,
    db: async () => (await (first ??= connect())).db(dbName),
    server: () => {
      if (!server) throw new Error('this test needs dev/mongo-server: run it with itWithOwnServer');
      return server;
    },
    close: async () => {
      try {
        const client = clients[0] ?? (await connect());
        await client.db(dbName).dropDatabase();
      } finally {
        await Promise.all(clients.map((client) => client.close()));
        await server?.stop();
      }
    },
  };
}
