import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseEncryptionKeys, type EncryptionKey, type GoogleClientConfig } from '../src/config';
import { TokenCipher } from '../src/credentials/token-cipher';
import { createFileOnce } from './atomic-file';
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
  /** Set when asked for: the keyring kept in the data folder (generated on the first start). */
  readonly encryptionKeys?: readonly EncryptionKey[];
  /** The absolute data folder. */
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** What local mode keeps in its data folder (LOCAL_DATA_DIR, `.local/` by default); `npm run local:reset` deletes it. */
export const LOCAL_DATA_FILES = {
  mongo: 'mongo.bson',
  google: 'google-emulator.json',
  keys: 'token-encryption-keys',
} as const;
/** How long after a write the embedded store's snapshot is written: what a crash can lose (a clean stop none). */
export const LOCAL_MONGO_FLUSH_DELAY_MS = 100;

export const LOCAL_CLIENT_ID = 'gmail-gateway-local.apps.googleusercontent.com';
export const LOCAL_QUOTA_UNITS_PER_MINUTE = 6000;
export const LOCAL_MAX_CONCURRENT_PER_USER = 10;

/**
 * Starts what is not configured, keeping its data in `dataDir` so that a restart (`npm run dev` after an edit)
 * finds the same credentials, sessions, grants and encryption key.
 *
 * @param needs.redirectUris the redirect URIs the local OAuth client accepts; the first is the one the gateway
 *   uses (GOOGLE_REDIRECT_URI when set, else the example web client's callback page on the gateway's origin).
 * @param needs.googlePort the emulator's port (LOCAL_GOOGLE_PORT), so its URL stays the same across restarts;
 *   0 picks a free one.
 * @param needs.encryptionKeys true: read (or on the first start generate) the keyring in the data folder.
 */
export async function startLocalStandIns(needs: {
  google: boolean;
  mongodb: boolean;
  redirectUris: readonly string[];
  dataDir: string;
  googlePort?: number;
  encryptionKeys?: boolean;
  /** The gateway's GraphQL URL, for the curl command on the emulator's callback page. */
  gatewayUrl?: string;
}): Promise<LocalStandIns> {
  const dataDir = resolve(needs.dataDir);
  const encryptionKeys = needs.encryptionKeys ? localEncryptionKeys(dataDir) : undefined;
  // Google's real budget, so a person sees it at work: 6000 units per user per minute (projects created since
  // May 2026) at Google's published costs, and Gmail's per-user concurrency limit (undocumented, about 10).
  const emulator = needs.google
    ? await startGoogleEmulator({
        consentMode: 'page',
        ...(needs.gatewayUrl ? { gatewayUrl: needs.gatewayUrl } : {}),
        quota: { unitsPerMinute: LOCAL_QUOTA_UNITS_PER_MINUTE },
        maxConcurrentPerUser: LOCAL_MAX_CONCURRENT_PER_USER,
        port: needs.googlePort ?? 0,
        stateFile: join(dataDir, LOCAL_DATA_FILES.google),
      }).catch((error: unknown) => {
        throw portInUse(error, needs.googlePort)
          ? new Error(
              `the Google emulator's port ${needs.googlePort} is in use: set LOCAL_GOOGLE_PORT to a free port`,
            )
          : error;
      })
    : undefined;
  const mongo = needs.mongodb
    ? await startMongoServer({
        dataFile: join(dataDir, LOCAL_DATA_FILES.mongo),
        flushDelayMs: LOCAL_MONGO_FLUSH_DELAY_MS,
      }).catch(async (error: unknown) => {
        await emulator?.stop();
        throw error;
      })
    : undefined;
  let google: LocalStandIns['google'];
  if (emulator !== undefined) {
    // The emulator's own callback page (it shows code and state) stays registered for curl walkthroughs.
    const client = {
      clientId: LOCAL_CLIENT_ID,
      clientSecret: 'local-client-secret',
      redirectUris: [...new Set([...needs.redirectUris, ...emulator.defaultClient.redirectUris])],
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
    ...(encryptionKeys ? { encryptionKeys } : {}),
    dataDir,
    stop: async () => {
      await Promise.all([emulator?.stop(), mongo?.stop()]);
    },
  };
}

/**
 * The keyring in the data folder, generated on the first start and written once (mode 0600, never replaced), in
 * TOKEN_ENCRYPTION_KEYS's format: the tokens stored under it decrypt after a restart.
 */
function localEncryptionKeys(dataDir: string): EncryptionKey[] {
  const file = join(dataDir, LOCAL_DATA_FILES.keys);
  const key = TokenCipher.generateKey('local');
  // Loses a race with another process starting on the same folder gracefully: both then read the winner's.
  createFileOnce(file, `${key.id}:${key.key.toString('base64')}\n`);
  try {
    return parseEncryptionKeys(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `${file} does not hold a valid keyring (${error instanceof Error ? error.message : String(error)}); ` +
        'delete it with `npm run local:reset`, which forgets every stored credential',
    );
  }
}

function portInUse(error: unknown, port: number | undefined): boolean {
  return port !== undefined && port !== 0 && (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
}
