import { randomBytes } from 'node:crypto';
import { BSON, MongoClient, type Db, type Document } from 'mongodb';
import { start } from '../../dev/mongo-server';

/**
 * The MongoDB a test file runs against: a real deployment when MONGODB_URI is set, otherwise the in-memory
 * server from dev/ on a free loopback port. Each call gets its own database, dropped again by `close`.
 */
export interface MongoTarget {
  /** Created with `monitorCommands: true`, so a test can see which commands were sent. */
  readonly client: MongoClient;
  readonly db: Db;
  /** Drops the database, closes the client and stops the server if one was started here. */
  close(): Promise<void>;
}

export async function connectMongoTarget(label: string): Promise<MongoTarget> {
  const external = process.env['MONGODB_URI'];
  const server = external === undefined || external === '' ? await start() : null;
  const client = new MongoClient(server?.uri ?? external!, {
    monitorCommands: true,
    serverSelectionTimeoutMS: 5000,
  });
  try {
    await client.connect();
  } catch (error) {
    await server?.stop();
    throw error;
  }
  const db = client.db(`test_${label.replace(/[^A-Za-z0-9_]/g, '_')}_${randomBytes(4).toString('hex')}`);
  return {
    client,
    db,
    close: async () => {
      try {
        await db.dropDatabase();
      } finally {
        await client.close();
        await server?.stop();
      }
    },
  };
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
