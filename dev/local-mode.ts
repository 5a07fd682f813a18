import type { GoogleClientConfig } from '../src/config';
import { emulatorGoogleClient } from './emulator-config';
import { start as startMongoServer } from './mongo-server';
import { startGoogleEmulator } from './google-emulator';

/**
 * Local mode's stand-ins, started in-process by src/main.ts when Google or MongoDB is not configured: the
 * Google emulator (with a consent page a person can click through, and a seeded demo mailbox) and the
 * in-memory MongoDB-compatible server. Nothing here is used when both are configured.
 */
export interface LocalStandIns {
  /** Set when the Google emulator was started: its OAuth client, its home page and its demo account. */
  readonly google?: GoogleClientConfig & {
    readonly url: string;
    readonly demoEmail: string;
  };
  /** Set when the embedded MongoDB-compatible server was started. */
  readonly mongodbUri?: string;
  stop(): Promise<void>;
}

export const LOCAL_CLIENT_ID = 'gmail-gateway-local.apps.googleusercontent.com';
export const LOCAL_QUOTA_UNITS_PER_MINUTE = 6000;
export const LOCAL_MAX_CONCURRENT_PER_USER = 10;

/**
 * @param redirectUris the redirect URIs the local OAuth client accepts; the first is the one the gateway uses
 *   (the example web client's callback page on the gateway's own origin).
 */
export async function startLocalStandIns(needs: {
  google: boolean;
  mongodb: boolean;
  redirectUris: readonly string[];
  /** The gateway's GraphQL URL, for the curl command on the emulator's callback page. */
  gatewayUrl?: string;
}): Promise<LocalStandIns> {
  // Google's real budget, so a person sees it at work: 6000 units per user per minute (projects created since
  // May 2026) at Google's published costs, and Gmail's per-user concurrency limit (undocumented, about 10).
  const emulator = needs.google
    ? await startGoogleEmulator({
        consentMode: 'page',
        ...(needs.gatewayUrl ? { gatewayUrl: needs.gatewayUrl } : {}),
        quota: { unitsPerMinute: LOCAL_QUOTA_UNITS_PER_MINUTE },
        maxConcurrentPerUser: LOCAL_MAX_CONCURRENT_PER_USER,
      })
    : undefined;
  const mongo = needs.mongodb ? await startMongoServer() : undefined;
  let google: LocalStandIns['google'];
  if (emulator !== undefined) {
    // The emulator's own callback page (it shows code and state) stays registered for curl walkthroughs.
    const client = {
      clientId: LOCAL_CLIENT_ID,
      clientSecret: 'local-client-secret',
      redirectUris: [...needs.redirectUris, ...emulator.defaultClient.redirectUris],
    };
    emulator.registerClient(client);
    google = {
      ...emulatorGoogleClient(emulator.endpoints, client),
      url: emulator.url,
      demoEmail: emulator.demoUser.email,
    };
  }
  return {
    ...(google ? { google } : {}),
    ...(mongo ? { mongodbUri: mongo.uri } : {}),
    stop: async () => {
      await Promise.all([emulator?.stop(), mongo?.stop()]);
    },
  };
}
