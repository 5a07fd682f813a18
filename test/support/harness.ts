import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Db, MongoClient } from 'mongodb';
import { emulatorGoogleClient, googleClientEnv } from '../../dev/emulator-config';
import {
  startGoogleEmulator,
  type GoogleEmulator,
  type GoogleEmulatorOptions,
} from '../../dev/google-emulator';
import type { MongoServer } from '../../dev/mongo-server';
import { systemClock } from '../../src/clock';
import { loadConfig, type EncryptionKey } from '../../src/config';
import { createLogger } from '../../src/logger';
import { connectMongoDB } from '../../src/mongodb';
import { resolveRuntimeConfig } from '../../src/runtime-config';
import { createGateway, type Gateway, type GatewayTuning } from '../../src/server';
import { followConsent } from './follow-consent';
import { startMongoTarget, type MongoTarget } from './mongo-target';
import { assertFaultsServed, unwatchFaults, watchFaults } from './served-faults';

export { followConsent } from './follow-consent';

/** The frontend's callback page: registered with the emulator, never fetched (tests read the redirect). */
export const REDIRECT_URI = 'http://127.0.0.1:5173/oauth/callback';
export const CLIENT = {
  clientId: 'test-client.apps.googleusercontent.com',
  clientSecret: 'test-client-secret',
  redirectUris: [REDIRECT_URI],
};

export interface GraphQLResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: {
    data?: T | null;
    errors?: Array<{
      message: string;
      path?: string[];
      extensions?: Record<string, unknown> & { code?: string };
    }>;
  };
}

export interface HarnessOptions {
  readonly emulator?: GoogleEmulatorOptions;
  readonly tuning?: Partial<GatewayTuning>;
  readonly encryptionKeys?: readonly EncryptionKey[];
  /** Share another harness's MongoDB (two gateway instances, one database). */
  readonly db?: { readonly uri: string; readonly name: string };
  /** Share another harness's emulator. */
  readonly google?: GoogleEmulator;
  readonly production?: boolean;
  readonly sessionTtlSeconds?: number;
  /** SESSION_IDLE_SECONDS; the default (24 h) when absent. */
  readonly sessionIdleSeconds?: number;
  /** METADATA_CACHE_MB; the default budget when absent. */
  readonly metadataCacheMB?: number;
  readonly now?: () => Date;
  /** More environment for loadConfig, e.g. `{ GMAIL_USER_QUOTA_PER_MINUTE: '100' }`. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The whole gateway over real HTTP, against the Google emulator and the in-memory MongoDB server (or a real
 * MongoDB when MONGODB_URI is set), with the real google-auth-library, googleapis and mongodb driver.
 * Everything it logs is kept in `logLines`, so tests can check what was (not) logged.
 */
export class Harness {
  readonly logLines: string[] = [];

  private constructor(
    readonly emulator: GoogleEmulator,
    readonly gateway: Gateway,
    readonly url: string,
    readonly db: Db,
    readonly dbUri: string,
    readonly dbName: string,
    readonly encryptionKeys: readonly EncryptionKey[],
    private readonly server: Server,
    private readonly mongoClient: MongoClient,
    private readonly owned: { mongo: MongoTarget | undefined; emulator: boolean },
    logLines: string[],
  ) {
    this.logLines = logLines;
  }

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const emulator =
      options.google ??
      (await startGoogleEmulator({ clients: [CLIENT], consentMode: 'auto', ...options.emulator }));
    // Its own target (server or MONGODB_URI, a fresh database), or another harness's database, shared.
    const target = options.db ? undefined : await startMongoTarget('gateway');
    const dbUri = options.db?.uri ?? target!.uri;
    const dbName = options.db?.name ?? target!.dbName;
    const mongoClient = target
      ? await target.connect({ serverSelectionTimeoutMS: 1500 })
      : await connectMongoDB(dbUri);
    const db = mongoClient.db(dbName);

    const logLines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(
          ...chunk
            .toString('utf8')
            .split('\n')
            .filter((line) => line !== ''),
        );
        done();
      },
    });
    const logger = createLogger('debug', destination);
    const encryptionKeys = options.encryptionKeys ?? [{ id: 'test', key: randomBytes(32) }];
    const config = loadConfig({
      ...(options.production
        ? // The emulator is plain http on loopback: production accepts it only with the override.
          {
            NODE_ENV: 'production',
            ALLOW_INSECURE_GOOGLE_ENDPOINTS: 'true',
            CORS_ORIGINS: 'http://127.0.0.1:5173',
          }
        : {}),
      ...googleClientEnv(emulatorGoogleClient(emulator.endpoints, CLIENT)),
      MONGODB_URI: dbUri,
      MONGODB_DB: dbName,
      TOKEN_ENCRYPTION_KEYS: encryptionKeys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(','),
      SESSION_TTL_SECONDS: String(options.sessionTtlSeconds ?? 3600),
      ...(options.sessionIdleSeconds === undefined
        ? {}
        : { SESSION_IDLE_SECONDS: String(options.sessionIdleSeconds) }),
      ...(options.metadataCacheMB === undefined
        ? {}
        : { METADATA_CACHE_MB: String(options.metadataCacheMB) }),
      ...options.env,
    });
    const server = createServer();
    let gateway: Gateway;
    try {
      gateway = await createGateway({
        config: resolveRuntimeConfig(config, { corsOrigins: ['http://127.0.0.1:5173'] }),
        db,
        logger,
        clock: options.now ? { now: options.now, sleep: systemClock.sleep } : systemClock,
        httpServer: server,
        tuning: {
          retry: { budgetMs: 1500, baseDelayMs: 20, maxAttempts: 5 },
          ...options.tuning,
        },
      });
    } catch (error) {
      // A gateway that refuses to start (a test of start-up checks) must not leave its connections open.
      if (target) await target.close();
      else await mongoClient.close();
      if (options.google === undefined) await emulator.stop();
      throw error;
    }
    watchFaults(emulator);
    server.on('request', gateway.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new Harness(
      emulator,
      gateway,
      `http://127.0.0.1:${port}`,
      db,
      dbUri,
      dbName,
      encryptionKeys,
      server,
      mongoClient,
      { mongo: target, emulator: options.google === undefined },
      logLines,
    );
  }

  /** The in-memory MongoDB server this harness started (undefined when it uses MONGODB_URI or another's). */
  get mongoServer(): MongoServer | undefined {
    return this.owned.mongo?.mongoServer;
  }

  /** POSTs a GraphQL operation to /graphql, with a session token when given. */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    options: { token?: string; headers?: Record<string, string> } = {},
  ): Promise<GraphQLResponse<T>> {
    return postGraphQL<T>(this.url, query, variables, options);
  }

  /**
   * Asks the gateway for a consent URL and lets the emulator consent: returns the redirect's code and state, and
   * the request secret the browser kept.
   */
  consent(options: { loginHint?: string } = {}): Promise<Consented> {
    return consentAt(this.url, options);
  }

  /** The whole sign-in: consent at the emulator (as `email` when given), then exchangeCode. */
  signIn(email?: string): Promise<SignedIn> {
    if (email !== undefined) this.emulator.nextConsent({ email });
    return signInAt(this.url, email === undefined ? {} : { loginHint: email });
  }

  /** Stops everything; throws afterwards when the emulator still holds faults nobody hit (naming them). */
  async stop(): Promise<void> {
    unwatchFaults(this.emulator);
    await this.gateway.stop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    // The target drops its database, closes its clients and stops its server; a shared database is left alone.
    if (this.owned.mongo) await this.owned.mongo.close();
    else await this.mongoClient.close();
    if (this.owned.emulator) await this.emulator.stop();
    assertFaultsServed(this.emulator);
  }
}

// A type, not an interface: tests pass it on as GraphQL variables (a Record).
export type Consented = {
  readonly code: string;
  readonly state: string;
  /** What the browser kept beside the state (from authorizationUrl), never in a URL. */
  readonly requestSecret: string;
  readonly authorizationUrl: string;
};

export interface SignedIn {
  readonly token: string;
  readonly viewer: { readonly id: string; readonly email: string };
}

/** POSTs a GraphQL operation to the gateway at `gatewayUrl` (its origin), with a session token when given. */
export async function postGraphQL<T = Record<string, unknown>>(
  gatewayUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${gatewayUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: JSON.parse(text) as GraphQLResponse<T>['body'],
  };
}

/**
 * Asks the gateway at `gatewayUrl` for a consent URL and follows it (the emulator must consent without a page:
 * auto mode or a queued decision): the redirect's code and state, and the request secret that came with the URL.
 */
export async function consentAt(
  gatewayUrl: string,
  options: { loginHint?: string } = {},
): Promise<Consented> {
  const response = await postGraphQL<{
    authorizationUrl: { url: string; state: string; requestSecret: string };
  }>(
    gatewayUrl,
    'query Start($hint: String) { authorizationUrl(loginHint: $hint) { url state requestSecret } }',
    { hint: options.loginHint ?? null },
  );
  const request = response.body.data?.authorizationUrl;
  if (!request) throw new Error(`authorizationUrl failed: ${JSON.stringify(response.body)}`);
  const redirect = await followConsent(request.url);
  const code = redirect.searchParams.get('code');
  const state = redirect.searchParams.get('state');
  if (code === null || state === null) throw new Error(`consent did not return a code: ${redirect.href}`);
  return { code, state, requestSecret: request.requestSecret, authorizationUrl: request.url };
}

/** The whole sign-in over HTTP against any running gateway (a Harness, or dist/src/main.js): consent, exchangeCode. */
export async function signInAt(gatewayUrl: string, options: { loginHint?: string } = {}): Promise<SignedIn> {
  const { code, state, requestSecret } = await consentAt(gatewayUrl, options);
  const response = await postGraphQL<{
    exchangeCode: { sessionToken: string; viewer: { id: string; email: string } };
  }>(
    gatewayUrl,
    'mutation SignIn($code: String!, $state: String!, $secret: String!) { exchangeCode(code: $code, state: $state, requestSecret: $secret) { sessionToken viewer { id email } } }',
    { code, state, secret: requestSecret },
  );
  const payload = response.body.data?.exchangeCode;
  if (!payload) throw new Error(`exchangeCode failed: ${JSON.stringify(response.body)}`);
  return { token: payload.sessionToken, viewer: payload.viewer };
}

/** The error extensions codes of a response, in order. */
export function errorCodes(response: GraphQLResponse): string[] {
  return (response.body.errors ?? []).map((e) => String(e.extensions?.code));
}

/** Polls until `read` returns a value that satisfies `done` (for writes made from event handlers). */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 3000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
