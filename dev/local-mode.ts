import { start as startMongoServer } from './mongo-server';
import { startGoogleEmulator } from './google-emulator';

/**
 * Local mode's stand-ins, started in-process by src/main.ts when Google or MongoDB is not configured: the
 * Google emulator (with a consent page a person can click through, and a seeded demo mailbox) and the
 * in-memory MongoDB-compatible server. Nothing here is used when both are configured.
 */
export interface LocalStandIns {
  /** Set when the Google emulator was started. */
  readonly google?: {
    readonly url: string;
    readonly clientId: string;
    readonly clientSecret: string;
    readonly redirectUri: string;
    readonly authUrl: string;
    readonly tokenUrl: string;
    readonly revokeUrl: string;
    readonly apiRootUrl: string;
    readonly demoEmail: string;
  };
  /** Set when the embedded MongoDB-compatible server was started. */
  readonly mongodbUri?: string;
  stop(): Promise<void>;
}

export async function startLocalStandIns(needs: { google: boolean; mongodb: boolean }): Promise<LocalStandIns> {
  const emulator = needs.google ? await startGoogleEmulator({ consentMode: 'page' }) : undefined;
  const mongo = needs.mongodb ? await startMongoServer() : undefined;
  const client = emulator?.defaultClient;
  return {
    ...(emulator && client
      ? {
          google: {
            url: emulator.url,
            clientId: client.clientId,
            clientSecret: client.clientSecret,
            redirectUri: client.redirectUris[0]!,
            authUrl: emulator.endpoints.authUrl,
            tokenUrl: emulator.endpoints.tokenUrl,
            revokeUrl: emulator.endpoints.revokeUrl,
            apiRootUrl: emulator.endpoints.apiRootUrl,
            demoEmail: emulator.demoUser.email,
          },
        }
      : {}),
    ...(mongo ? { mongodbUri: mongo.uri } : {}),
    stop: async () => {
      await Promise.all([emulator?.stop(), mongo?.stop()]);
    },
  };
}
