import {
  startGoogleEmulator,
  type EmulatorUser,
  type EndpointName,
  type GoogleEmulator,
  type LatencySpec,
  type NewUser,
  type OAuthClientRegistration,
} from '../dev/google-emulator';
import { start as startMongoServer, type MongoServer } from '../dev/mongo-server';
import { serveParentCalls } from './ipc';

/**
 * Child process: the Google emulator and (unless a real MongoDB is given) the in-memory MongoDB server, both on
 * 127.0.0.1. They live in their own process so that the gateway, the baselines and the load generator each keep
 * an event loop to themselves. Lives for the whole run.
 */
export type StandInsApi = {
  start(params: {
    readonly client: OAuthClientRegistration;
    readonly users: readonly NewUser[];
    readonly startMongo: boolean;
  }): Promise<{
    readonly endpoints: GoogleEmulator['endpoints'];
    readonly users: EmulatorUser[];
    readonly mongodbUri: string | null;
  }>;
  /** More users with generated mailboxes (when a run needs more uncached pages than it planned for). */
  addUsers(params: { readonly users: readonly NewUser[] }): Promise<EmulatorUser[]>;
  setLatency(params: {
    readonly endpoint: EndpointName | '*';
    readonly latency: LatencySpec | null;
  }): Promise<null>;
  clearFaults(params: Record<string, never>): Promise<null>;
  clearRequests(params: Record<string, never>): Promise<null>;
  /** Exact totals per endpoint since start (the emulator keeps them beyond its bounded log). */
  requestTotals(params: { readonly endpoints: readonly EndpointName[] }): Promise<Record<string, number>>;
  /**
   * Gmail quota units the emulator charged, summed over every user, since start (its accounting, quotaSpent()).
   * The emulator enforces no quota in the benchmark: units are counted, never refused.
   */
  unitsSpent(params: Record<string, never>): Promise<number>;
  /** Refresh-token grants at the token endpoint since the log was last cleared. */
  countRefreshes(params: Record<string, never>): Promise<number>;
  expireAccessTokens(params: { readonly email: string }): Promise<null>;
};

let emulator: GoogleEmulator | undefined;
let mongo: MongoServer | undefined;

function requireEmulator(): GoogleEmulator {
  if (emulator === undefined) throw new Error('stand-ins not started');
  return emulator;
}

serveParentCalls<StandInsApi>({
  async start({ client, users, startMongo }) {
    emulator = await startGoogleEmulator({ clients: [client], consentMode: 'auto', users: [...users] });
    mongo = startMongo ? await startMongoServer() : undefined;
    return { endpoints: emulator.endpoints, users: emulator.users, mongodbUri: mongo?.uri ?? null };
  },
  async addUsers({ users }) {
    const google = requireEmulator();
    return users.map((user) => google.addUser(user));
  },
  async setLatency({ endpoint, latency }) {
    requireEmulator().setLatency(endpoint, latency);
    return null;
  },
  async clearFaults() {
    requireEmulator().clearFaults();
    return null;
  },
  async clearRequests() {
    requireEmulator().clearRequests();
    return null;
  },
  async requestTotals({ endpoints }) {
    const google = requireEmulator();
    return Object.fromEntries(endpoints.map((endpoint) => [endpoint, google.count(endpoint)]));
  },
  async unitsSpent() {
    const google = requireEmulator();
    return google.users.reduce((sum, user) => sum + google.quotaSpent(user.email), 0);
  },
  async countRefreshes() {
    return requireEmulator().count('token', (r) => r.grantType === 'refresh_token');
  },
  async expireAccessTokens({ email }) {
    requireEmulator().expireAccessTokens(email);
    return null;
  },
});
