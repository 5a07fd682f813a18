import { randomBytes } from 'node:crypto';
import { emulatorGoogleClient, googleClientEnv } from '../dev/emulator-config';
import { systemClock } from '../src/clock';
import { DEFAULT_SCOPES, GOOGLE_ENDPOINTS, loadConfig } from '../src/config';
import { resolveRuntimeConfig } from '../src/runtime-config';

const endpoints = {
  authUrl: 'http://127.0.0.1:9000/o/oauth2/v2/auth',
  tokenUrl: 'http://127.0.0.1:9000/token',
  revokeUrl: 'http://127.0.0.1:9000/revoke',
  apiRootUrl: 'http://127.0.0.1:9000/',
};
const client = {
  clientId: 'local.apps.googleusercontent.com',
  clientSecret: 'local-secret',
  redirectUris: ['http://localhost:4000/callback', 'http://127.0.0.1:4000/callback'],
};
const localKey = { id: 'local', key: randomBytes(32) };

describe('resolveRuntimeConfig', () => {
  it('passes on the session cache settings', () => {
    const config = loadConfig({ SESSION_CACHE_ENABLED: 'false', SESSION_CACHE_SIZE: '25' });
    const runtime = resolveRuntimeConfig(config, {
      google: emulatorGoogleClient(endpoints, client),
      mongodbUri: 'mongodb://127.0.0.1:27018',
      encryptionKeys: [localKey],
      corsOrigins: ['http://localhost:4000'],
    });
    expect(runtime.sessionCache).toEqual({ enabled: false, maxEntries: 25 });
  });

  it('fills what local mode provides, with the configured scopes on the emulator client', () => {
    const google = emulatorGoogleClient(endpoints, client);
    const runtime = resolveRuntimeConfig(loadConfig({}), {
      google,
      mongodbUri: 'mongodb://127.0.0.1:27018',
      encryptionKeys: [localKey],
      corsOrigins: ['http://localhost:4000'],
    });
    expect(runtime.google).toEqual({
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      redirectUri: 'http://localhost:4000/callback',
      scopes: DEFAULT_SCOPES,
      ...endpoints,
    });
    expect(runtime).toMatchObject({
      mongodbUri: 'mongodb://127.0.0.1:27018',
      mongodbDb: 'gmail_gateway',
      encryptionKeys: [localKey],
      corsOrigins: ['http://localhost:4000'],
      production: false,
      localMode: true,
    });
  });

  it('keeps every configured value and ignores the local fill for it', () => {
    const config = loadConfig({
      GOOGLE_CLIENT_ID: 'prod.apps.googleusercontent.com',
      GOOGLE_CLIENT_SECRET: 'prod-secret',
      GOOGLE_REDIRECT_URI: 'https://app.example.com/callback',
      MONGODB_URI: 'mongodb://db.example.com:27017',
      CORS_ORIGINS: 'https://app.example.com',
      TOKEN_ENCRYPTION_KEYS: `configured:${randomBytes(32).toString('base64')}`,
    });
    const runtime = resolveRuntimeConfig(config, {
      google: emulatorGoogleClient(endpoints, client),
      mongodbUri: 'mongodb://127.0.0.1:27018',
      encryptionKeys: [localKey],
      corsOrigins: ['http://localhost:4000'],
    });
    expect(runtime.google.clientId).toBe('prod.apps.googleusercontent.com');
    expect(runtime.localMode).toBe(false);
    expect(runtime.google.tokenUrl).toBe(GOOGLE_ENDPOINTS.tokenUrl);
    expect(runtime.mongodbUri).toBe('mongodb://db.example.com:27017');
    expect(runtime.corsOrigins).toEqual(['https://app.example.com']);
    expect(runtime.encryptionKeys.map((k) => k.id)).toEqual(['configured']);
  });

  it('names the setting that neither the environment nor local mode provides', () => {
    expect(() => resolveRuntimeConfig(loadConfig({}), {})).toThrow(/GOOGLE_CLIENT_ID/);
    expect(() =>
      resolveRuntimeConfig(loadConfig({}), { google: emulatorGoogleClient(endpoints, client) }),
    ).toThrow(/MONGODB_URI/);
  });

  it('reads an emulator client back from the environment googleClientEnv writes', () => {
    const google = emulatorGoogleClient(endpoints, client);
    const keys = { TOKEN_ENCRYPTION_KEYS: `k:${randomBytes(32).toString('base64')}` };
    expect(loadConfig({ ...googleClientEnv(google), ...keys }).google).toEqual(google);
  });
});

describe('systemClock', () => {
  it('sleeps for real and stops sleeping when the signal aborts', async () => {
    const started = Date.now();
    await systemClock.sleep(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);

    const controller = new AbortController();
    const sleeping = systemClock.sleep(60_000, controller.signal);
    controller.abort();
    await expect(sleeping).rejects.toThrow(/abort/i);
  });
});
