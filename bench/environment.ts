import { randomBytes } from 'node:crypto';
import type { GmailFetchMode } from '../src/gmail/gmail-batch';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Credentials } from 'google-auth-library';
import type { Db, MongoClient } from 'mongodb';
import { emulatorGoogleClient } from '../dev/emulator-config';
import type { OAuthClientRegistration } from '../dev/google-emulator';
import { DEFAULT_SCOPES, type GoogleConfig } from '../src/config';
import { connectMongoDB } from '../src/mongodb';
import type { ApolloProcessApi } from './apollo-process';
import type { UsageSource } from './cpu';
import type { DirectProcessApi } from './direct-process';
import type { GatewayProcessApi } from './gateway-process';
import { ChildProcessHandle, type ProcessApi } from './ipc';
import type { Plan } from './options';
import type { StandInsApi } from './stand-ins-process';

/** The frontend's callback page: registered with the emulator, never fetched (the benchmark reads the redirect). */
const REDIRECT_URI = 'http://127.0.0.1:5173/oauth/callback';
const CLIENT: OAuthClientRegistration = {
  clientId: 'bench-client.apps.googleusercontent.com',
  clientSecret: 'bench-client-secret',
  redirectUris: [REDIRECT_URI],
};

export const PROFILE_DIR = join(__dirname, '..', '..', 'bench', 'results', 'profiles');

/**
 * The Node flags `npm start` runs the gateway with (V8 heap sizing), read from package.json so that the benchmark
 * measures the gateway as it ships. `--gateway-node-options` come after them, and V8 takes the last of a flag.
 */
export const START_NODE_FLAGS: readonly string[] = (() => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const words = manifest.scripts.start!.split(/\s+/);
  return words.slice(1, words.indexOf('dist/src/main.js')).filter((word) => word.startsWith('--'));
})();

export interface Mailboxes {
  /** Walked forward for uncached pages; the first ones also serve the direct baselines. */
  readonly uncached: readonly string[];
  /** Whose first pages are fetched once and then served from the gateway's cache. */
  readonly cached: readonly string[];
  /** The refresh storm's user, alone so that expiring its tokens disturbs nobody else. */
  readonly storm: string;
}

/**
 * Everything one run needs besides the load generator: the stand-ins process (Google emulator and MongoDB), the
 * OAuth app, the database and the key shared by the gateway processes, and every child process started, all
 * stopped by `stop()`. Created once per run.
 */
export class BenchEnvironment {
  /** Gateway and baseline processes started so far (the stand-ins are stopped last, separately). */
  private readonly children: Array<{ stop(): Promise<void> }> = [];

  private constructor(
    private readonly plan: Plan,
    readonly standIns: ChildProcessHandle<StandInsApi>,
    readonly google: GoogleConfig,
    readonly mongodbUri: string,
    readonly dbName: string,
    readonly encryptionKeys: string,
    private readonly mongoClient: MongoClient,
    readonly mailboxes: Mailboxes,
  ) {}

  static async start(plan: Plan): Promise<BenchEnvironment> {
    const { uncachedUsers, messagesPerUser, cachedUsers, cachedPagesPerUser } = plan.mailboxes;
    const mailboxes: Mailboxes = {
      uncached: Array.from({ length: uncachedUsers }, (_, i) => `bench-walker-${i + 1}@example.com`),
      cached: Array.from({ length: cachedUsers }, (_, i) => `bench-cached-${i + 1}@example.com`),
      storm: 'bench-storm@example.com',
    };
    if (plan.profile) mkdirSync(PROFILE_DIR, { recursive: true });
    const standIns = ChildProcessHandle.start<StandInsApi>('stand-ins-process', {
      stdout: true,
      ...(plan.profile ? { execArgv: profileFlags('stand-ins') } : {}),
    });
    const started = await standIns.call('start', {
      client: CLIENT,
      startMongo: plan.mongodbUri === null,
      users: [
        ...mailboxes.uncached.map((email) => ({ email, messages: messagesPerUser })),
        ...mailboxes.cached.map((email) => ({ email, messages: cachedPagesPerUser * 20 + 20 })),
        { email: mailboxes.storm, messages: 40 },
      ],
    });
    const google: GoogleConfig = {
      ...emulatorGoogleClient(started.endpoints, CLIENT),
      scopes: DEFAULT_SCOPES,
    };
    const mongodbUri = plan.mongodbUri ?? started.mongodbUri!;
    const dbName = `gateway_bench_${randomBytes(4).toString('hex')}`;
    const mongoClient = await connectMongoDB(mongodbUri, 'gmail-graphql-gateway-bench');
    const env = new BenchEnvironment(
      plan,
      standIns,
      google,
      mongodbUri,
      dbName,
      `bench:${randomBytes(32).toString('base64')}`,
      mongoClient,
      mailboxes,
    );
    return env;
  }

  /** The benchmark's own connection to the gateway's database (to age a stored access token). */
  get db(): Db {
    return this.mongoClient.db(this.dbName);
  }

  /** A new gateway process (empty caches) on the run's database and key. */
  async startGateway(
    gmailFetch: GmailFetchMode = this.plan.gmailFetch,
  ): Promise<{ process: ChildProcessHandle<GatewayProcessApi>; url: string }> {
    if (this.plan.profile) mkdirSync(PROFILE_DIR, { recursive: true });
    const child = this.track(
      ChildProcessHandle.start<GatewayProcessApi>('gateway-process', {
        execArgv: [
          // Only makes global.gc() callable (collectGarbage, after the memory measurement); changes nothing else.
          '--expose-gc',
          ...START_NODE_FLAGS,
          ...(this.plan.profile ? profileFlags('gateway') : []),
          ...this.plan.gatewayNodeOptions,
        ],
        env: { NODE_ENV: 'production' },
      }),
    );
    const { url } = await child.call('start', {
      google: this.google,
      mongodbUri: this.mongodbUri,
      dbName: this.dbName,
      encryptionKeys: this.encryptionKeys,
      userConcurrency: this.plan.gatewayUserConcurrency,
      gmailFetch,
    });
    return { process: child, url };
  }

  async startDirectBaseline(users: readonly Credentials[]): Promise<{ process: UsageSource; url: string }> {
    const child = this.track(
      ChildProcessHandle.start<DirectProcessApi>('direct-process', {
        env: { NODE_ENV: 'production' },
        ...(this.plan.profile ? { execArgv: profileFlags('direct') } : {}),
      }),
    );
    return { process: child, url: (await child.call('start', { google: this.google, users })).url };
  }

  async startApolloBaseline(): Promise<{ process: UsageSource; url: string }> {
    const child = this.track(
      ChildProcessHandle.start<ApolloProcessApi>('apollo-process', { env: { NODE_ENV: 'production' } }),
    );
    return { process: child, url: (await child.call('start', {})).url };
  }

  /** Stops every child process (the stand-ins last) and drops the run's database from a real MongoDB. */
  async stop(): Promise<void> {
    for (const child of this.children.reverse()) await child.stop();
    if (this.plan.mongodbUri !== null) await this.db.dropDatabase().catch(() => undefined);
    await this.mongoClient.close();
    await this.standIns.stop();
  }

  private track<A extends ProcessApi<A>>(child: ChildProcessHandle<A>): ChildProcessHandle<A> {
    this.children.push(child);
    return child;
  }
}

/** --cpu-prof into PROFILE_DIR, the file named after the process: `gateway-<pid>.cpuprofile`. */
function profileFlags(name: string): string[] {
  return ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${name}-\${pid}.cpuprofile`];
}
