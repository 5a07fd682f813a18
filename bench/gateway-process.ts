import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { googleClientEnv } from '../dev/emulator-config';
import { systemClock } from '../src/clock';
import { loadConfig, type GoogleConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { connectMongoDB } from '../src/mongodb';
import { resolveRuntimeConfig } from '../src/runtime-config';
import { createGateway, type Gateway } from '../src/server';
import { serveParentCalls } from './ipc';

/**
 * Child process: the gateway as production builds it (createGateway with default tuning, NODE_ENV=production,
 * one JSON log line per request at level info written to stdout, which the benchmark discards), on 127.0.0.1.
 * One process per gateway instance under test; it reports its own CPU time and memory (ChildProcessHandle.usage),
 * so that the load generator's do not count.
 */
export type GatewayProcessApi = {
  start(params: {
    readonly google: GoogleConfig;
    readonly mongodbUri: string;
    readonly dbName: string;
    /** `kid:base64key`, shared by every gateway process of one run (sessions and cursors stay valid). */
    readonly encryptionKeys: string;
    /** GMAIL_USER_CONCURRENCY; null keeps the default. */
    readonly userConcurrency: number | null;
    /** GMAIL_FETCH_MODE. */
    readonly gmailFetch: string;
  }): Promise<{ readonly url: string }>;
  /** Drops the user's pooled OAuth client, so that the next request builds one from the stored credential. */
  forgetClient(params: { readonly userId: string }): Promise<null>;
  /**
   * Runs a full garbage collection (the process is started with --expose-gc) and reports what is left: the live
   * heap, which tells a leak (live data growing) from V8 merely keeping a large heap under load.
   */
  collectGarbage(
    params: Record<string, never>,
  ): Promise<{ readonly heapUsedMB: number; readonly rssMB: number }>;
  /** The metadata cache's estimated size and its bound (METADATA_CACHE_MB), in bytes. */
  metadataCache(
    params: Record<string, never>,
  ): Promise<{ readonly bytes: number; readonly maxBytes: number }>;
};

let gateway: Gateway | undefined;
let metadataCacheMaxBytes = 0;

serveParentCalls<GatewayProcessApi>({
  async start({ google, mongodbUri, dbName, encryptionKeys, userConcurrency, gmailFetch }) {
    const config = loadConfig({
      NODE_ENV: 'production',
      // The emulator is plain http on loopback.
      ALLOW_INSECURE_GOOGLE_ENDPOINTS: 'true',
      CORS_ORIGINS: 'http://127.0.0.1:5173',
      ...googleClientEnv(google),
      GOOGLE_SCOPES: google.scopes.join(' '),
      MONGODB_URI: mongodbUri,
      MONGODB_DB: dbName,
      TOKEN_ENCRYPTION_KEYS: encryptionKeys,
      SESSION_TTL_SECONDS: '3600',
      LOG_LEVEL: 'info',
      // The benchmark measures throughput, not the per-user Gmail budget: at zero emulator latency one walker
      // spends far more than 6,000 units a minute, and a refused page would stop the run. The budget's
      // reservation and settlement still run on every request (their cost is measured); only the limit is high.
      GMAIL_USER_QUOTA_PER_MINUTE: '10000000',
      ...(userConcurrency === null ? {} : { GMAIL_USER_CONCURRENCY: String(userConcurrency) }),
      GMAIL_FETCH_MODE: gmailFetch,
    });
    const runtime = resolveRuntimeConfig(config, { corsOrigins: ['http://127.0.0.1:5173'] });
    metadataCacheMaxBytes = runtime.metadataCacheMB * 2 ** 20;
    const mongoClient = await connectMongoDB(runtime.mongodbUri, 'gmail-graphql-gateway-bench');
    const server = createServer();
    gateway = await createGateway({
      config: runtime,
      db: mongoClient.db(runtime.mongodbDb),
      logger: createLogger(runtime.logLevel),
      clock: systemClock,
      httpServer: server,
    });
    server.on('request', gateway.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  },
  async forgetClient({ userId }) {
    if (gateway === undefined) throw new Error('gateway not started');
    gateway.services.clients.forget(userId);
    return null;
  },
  async collectGarbage() {
    if (globalThis.gc === undefined) throw new Error('start the gateway process with --expose-gc');
    globalThis.gc();
    const memory = process.memoryUsage();
    return { heapUsedMB: memory.heapUsed / 2 ** 20, rssMB: memory.rss / 2 ** 20 };
  },
  async metadataCache() {
    if (gateway === undefined) throw new Error('gateway not started');
    return { bytes: gateway.services.mailbox.metadataCacheBytes, maxBytes: metadataCacheMaxBytes };
  },
});
