import { randomBytes } from 'node:crypto';
import { BSON, MongoClient, type Db, type Document, type MongoClientOptions } from 'mongodb';
import { start, type MongoServer, type MongoServerOptions } from '../../dev/mongo-server';

/** MONGODB_URI runs every suite unchanged against a real MongoDB; unset (or empty), each target starts its own. */
const externalUri = process.env['MONGODB_URI'] || undefined;

/** True when tests run against dev/mongo-server, whose controls (clock, stop, suspend, stats) they may use. */
export const ownServer = externalUri === undefined;

/**
 * The MongoDB a test file runs against: a real deployment when MONGODB_URI is set, otherwise the in-memory
 * server from dev/ on a free loopback port. Each target has a database of its own, dropped again by `close`.
 */
export interface MongoTarget {
  readonly uri: string;
  /** A database name unique to this target; close() drops it. */
  readonly dbName: string;
  /** The server started for this target; undefined against MONGODB_URI. */
  readonly mongoServer: MongoServer | undefined;
  /** A connected client, closed by close(). */
  connect(options?: MongoClientOptions): Promise<MongoClient>;
  /** The database through a client of its own, connected on first use. */
  db(): Promise<Db>;
  /** The server's own controls; throws against a real MongoDB (see itWithOwnServer). */
  server(): MongoServer;
  /** Drops the database, closes every client, stops the server started here. */
  close(): Promise<void>;
}

export async function startMongoTarget(
  label: string,
  options: MongoServerOptions = {},
): Promise<MongoTarget> {
  const server = ownServer ? await start(options) : undefined;
  const uri = server?.uri ?? externalUri!;
  const dbName = `test_${label.replace(/[^A-Za-z0-9_]/g, '_')}_${randomBytes(4).toString('hex')}`;
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
    mongoServer: server,
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

/** A target's database through a client created with `monitorCommands: true` (see commandsSentDuring). */
export interface MonitoredDb {
  readonly client: MongoClient;
  readonly db: Db;
  /** Closes the target: drops the database, closes the client, stops the server. */
  close(): Promise<void>;
}

export async function connectMongoTarget(label: string): Promise<MonitoredDb> {
  const target = await startMongoTarget(label);
  try {
    const client = await target.connect({ monitorCommands: true });
    return { client, db: client.db(target.dbName), close: () => target.close() };
  } catch (error) {
    await target.mongoServer?.stop();
    throw error;
  }
}

/** Names of the commands `client` sends while `action` runs (the client must monitor commands). */
export async function commandsSentDuring(
  client: MongoClient,
  action: () => Promise<unknown>,
): Promise<string[]> {
  const names: string[] = [];
  const record = (event: { commandName: string }) => names.push(event.commandName);
  client.on('commandStarted', record);
  try {
    await action();
  } finally {
    client.off('commandStarted', record);
  }
  return names;
}

/**
 * Whether a secret appears anywhere in a raw document: in its Extended JSON, in its BSON bytes (which covers
 * binary fields), or there in base64, base64url or hex.
 */
export function rawDocumentContains(document: Document | null, secret: string): boolean {
  if (document === null) return false;
  const plain = Buffer.from(secret, 'utf8');
  const forms = [secret, plain.toString('base64'), plain.toString('base64url'), plain.toString('hex')];
  const json = BSON.EJSON.stringify(document);
  const bytes = Buffer.from(BSON.serialize(document));
  return forms.some((form) => json.includes(form) || bytes.includes(Buffer.from(form, 'utf8')));
}

/**
 * A clock a test moves by hand. It starts a day ahead of the wall clock (on a full hour), so documents with TTL
 * expiry dates taken from it are never swept by the server's real-time TTL monitor while a test runs.
 */
export class TestClock {
  private current: number;

  constructor(start: Date = TestClock.aheadOfWallClock()) {
    this.current = start.getTime();
  }

  static aheadOfWallClock(): Date {
    const hour = 3600_000;
    return new Date(Math.ceil(Date.now() / hour) * hour + 24 * hour);
  }

  readonly now = (): Date => new Date(this.current);

  advance(milliseconds: number): void {
    this.current += milliseconds;
  }

  set(date: Date): void {
    this.current = date.getTime();
  }
}
