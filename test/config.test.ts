import { randomBytes } from 'node:crypto';
import { ConfigError, DEFAULT_SCOPES, GOOGLE_ENDPOINTS, loadConfig } from '../src/config';

const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const production = {
  NODE_ENV: 'production',
  GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com',
  GOOGLE_CLIENT_SECRET: 'secret',
  GOOGLE_REDIRECT_URI: 'https://app.example.com/oauth/callback',
  MONGODB_URI: 'mongodb://db.example.com:27017',
  TOKEN_ENCRYPTION_KEYS: key('k1'),
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('starts in local mode with documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      production: false,
      logLevel: 'info',
      google: null,
      mongodbUri: null,
      mongodbDb: 'gmail_gateway',
      tokenEncryptionKeys: null,
      sessionTtlSeconds: 7 * 24 * 3600,
      metadataCacheMB: 16,
      corsOrigins: null,
      metricsEnabled: true,
      metricsToken: null,
    });
    expect(config.scopes).toEqual(DEFAULT_SCOPES);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every missing variable when production is not configured', () => {
    const [problem, ...rest] = problemsOf({ NODE_ENV: 'production' });
    expect(rest).toEqual([]);
    for (const name of [
      'GOOGLE_CLIENT_ID',
      'GOOGLE_CLIENT_SECRET',
      'GOOGLE_REDIRECT_URI',
      'MONGODB_URI',
      'TOKEN_ENCRYPTION_KEYS',
    ]) {
      expect(problem).toContain(name);
    }
  });

  it('accepts a complete production configuration with Google endpoints by default', () => {
    const config = loadConfig(production);
    expect(config.production).toBe(true);
    expect(config.google).toMatchObject({
      clientId: production.GOOGLE_CLIENT_ID,
      redirectUri: production.GOOGLE_REDIRECT_URI,
      authUrl: GOOGLE_ENDPOINTS.authUrl,
      tokenUrl: GOOGLE_ENDPOINTS.tokenUrl,
      revokeUrl: GOOGLE_ENDPOINTS.revokeUrl,
      apiRootUrl: undefined,
    });
    expect(config.tokenEncryptionKeys?.map((k) => k.id)).toEqual(['k1']);
  });

  it('serves metrics by default outside production only, and reads METRICS_ENABLED and METRICS_TOKEN', () => {
    expect(loadConfig(production).metricsEnabled).toBe(false);
    expect(loadConfig({ ...production, METRICS_ENABLED: 'true' })).toMatchObject({
      metricsEnabled: true,
      metricsToken: null,
    });
    expect(loadConfig({ METRICS_ENABLED: 'false', METRICS_TOKEN: 'scrape-secret' })).toMatchObject({
      metricsEnabled: false,
      metricsToken: 'scrape-secret',
    });
    expect(problemsOf({ METRICS_ENABLED: 'yes' })).toEqual([
      'METRICS_ENABLED must be true or false, got "yes"',
    ]);
  });

  it('reads endpoint overrides, scopes, CORS origins and a keyring with several keys', () => {
    const config = loadConfig({
      ...production,
      GOOGLE_AUTH_URL: 'http://127.0.0.1:9000/o/oauth2/v2/auth',
      GOOGLE_API_ROOT_URL: 'http://127.0.0.1:9000/',
      GOOGLE_SCOPES: 'https://www.googleapis.com/auth/gmail.readonly openid email',
      CORS_ORIGINS: 'https://app.example.com, http://localhost:5173',
      TOKEN_ENCRYPTION_KEYS: `${key('new')},${key('old')}`,
      SESSION_TTL_SECONDS: '3600',
      METADATA_CACHE_MB: '64',
      PORT: '8080',
    });
    expect(config.google?.authUrl).toBe('http://127.0.0.1:9000/o/oauth2/v2/auth');
    expect(config.google?.apiRootUrl).toBe('http://127.0.0.1:9000/');
    expect(config.scopes).toEqual(['https://www.googleapis.com/auth/gmail.readonly', 'openid', 'email']);
    expect(config.corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(config.tokenEncryptionKeys?.map((k) => k.id)).toEqual(['new', 'old']);
    expect(config.sessionTtlSeconds).toBe(3600);
    expect(config.metadataCacheMB).toBe(64);
    expect(config.port).toBe(8080);
  });

  it('rejects malformed values, each with its own problem, and never echoes key material', () => {
    const badKey = 'k1:' + randomBytes(16).toString('base64');
    const problems = problemsOf({
      PORT: 'eighty',
      SESSION_TTL_SECONDS: '-5',
      MONGODB_URI: 'postgres://x',
      TOKEN_ENCRYPTION_KEYS: badKey,
      GOOGLE_SCOPES: 'openid email',
      CORS_ORIGINS: 'https://app.example.com/path',
      LOG_LEVEL: 'loud',
      METADATA_CACHE_MB: '1.5',
    });
    expect(problems).toHaveLength(8);
    expect(problems.join('\n')).not.toContain(badKey.slice(3));
  });

  it('refuses a half-configured Google client instead of silently falling back to local mode', () => {
    expect(problemsOf({ GOOGLE_CLIENT_ID: 'id' }).join()).toMatch(
      /GOOGLE_CLIENT_SECRET, GOOGLE_REDIRECT_URI/,
    );
  });
});
