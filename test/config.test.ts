import { randomBytes } from 'node:crypto';
import {
  ConfigError,
  DEFAULT_SCOPES,
  GOOGLE_ENDPOINTS,
  loadConfig,
  parseEncryptionKeys,
} from '../src/config';

const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const production = {
  NODE_ENV: 'production',
  GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com',
  GOOGLE_CLIENT_SECRET: 'secret',
  GOOGLE_REDIRECT_URI: 'https://app.example.com/oauth/callback',
  MONGODB_URI: 'mongodb://db.example.com:27017',
  TOKEN_ENCRYPTION_KEYS: key('k1'),
  CORS_ORIGINS: 'https://app.example.com',
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
      local: { redirectUri: null, googlePort: 4001, dataDir: '.local' },
      gmailUserConcurrency: 10,
      googleTimeoutMs: 10_000,
      requestTimeoutMs: 20_000,
      metricsEnabled: true,
      metricsToken: null,
    });
    expect(config.scopes).toEqual(DEFAULT_SCOPES);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("uses Google's per-user limit and published cost table unless GMAIL_* says otherwise", () => {
    expect(loadConfig({})).toMatchObject({
      gmailUserQuotaPerMinute: 6000,
      gmailQuotaCosts: {
        'messages.list': 5,
        'messages.get': 5,
        'messages.attachments.get': 5,
        'threads.list': 10,
        'threads.get': 10,
        'labels.list': 1,
      },
    });
    const tuned = loadConfig({
      GMAIL_USER_QUOTA_PER_MINUTE: '15000',
      GMAIL_QUOTA_COSTS: 'messages.get=20, threads.get=40',
    });
    expect(tuned.gmailUserQuotaPerMinute).toBe(15000);
    expect(tuned.gmailQuotaCosts).toMatchObject({
      'messages.get': 20,
      'threads.get': 40,
      'messages.list': 5,
    });
  });

  it('names the GMAIL_* variable whose value is wrong', () => {
    expect(problemsOf({ GMAIL_USER_QUOTA_PER_MINUTE: '0' }).join()).toContain('GMAIL_USER_QUOTA_PER_MINUTE');
    const problems = problemsOf({ GMAIL_QUOTA_COSTS: 'messages.send=5,messages.get=-1,threads.list' });
    expect(problems).toHaveLength(3);
    expect(problems.every((p) => p.includes('GMAIL_QUOTA_COSTS'))).toBe(true);
    expect(problems[0]).toContain('messages.send');
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
      'CORS_ORIGINS',
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
      ALLOW_INSECURE_GOOGLE_ENDPOINTS: 'true',
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

  it('reads message gets one call each by default, in Gmail batch calls with GMAIL_FETCH_MODE=batch', () => {
    expect(loadConfig({}).gmailFetchMode).toBe('parallel');
    expect(loadConfig({ GMAIL_FETCH_MODE: 'batch' }).gmailFetchMode).toBe('batch');
    expect(problemsOf({ GMAIL_FETCH_MODE: 'serial' })).toEqual([
      'GMAIL_FETCH_MODE must be one of parallel, batch',
    ]);
  });

  it('reads the per-user concurrency and the deadlines, and refuses values that cannot work', () => {
    expect(
      loadConfig({ GMAIL_USER_CONCURRENCY: '3', GOOGLE_TIMEOUT_MS: '2500', REQUEST_TIMEOUT_MS: '5000' }),
    ).toMatchObject({ gmailUserConcurrency: 3, googleTimeoutMs: 2500, requestTimeoutMs: 5000 });
    const problems = problemsOf({
      GMAIL_USER_CONCURRENCY: '0',
      GOOGLE_TIMEOUT_MS: 'soon',
      REQUEST_TIMEOUT_MS: '1.5',
    });
    expect(problems).toEqual([
      'GMAIL_USER_CONCURRENCY must be an integer from 1 to 1000, got "0"',
      'GOOGLE_TIMEOUT_MS must be an integer from 100 to 600000, got "soon"',
      'REQUEST_TIMEOUT_MS must be an integer from 100 to 600000, got "1.5"',
    ]);
  });

  it('refuses a half-configured Google client instead of silently falling back to local mode', () => {
    expect(problemsOf({ GOOGLE_CLIENT_ID: 'id' }).join()).toMatch(
      /GOOGLE_CLIENT_SECRET, GOOGLE_REDIRECT_URI/,
    );
  });

  it('reads local mode’s redirect URI, emulator port and data folder, the port defaulting to PORT + 1', () => {
    expect(
      loadConfig({
        GOOGLE_REDIRECT_URI: 'http://localhost:5173/callback',
        CORS_ORIGINS: 'http://localhost:5173',
        LOCAL_GOOGLE_PORT: '9099',
        LOCAL_DATA_DIR: '/tmp/gateway-data',
      }),
    ).toMatchObject({
      google: null,
      corsOrigins: ['http://localhost:5173'],
      local: {
        redirectUri: 'http://localhost:5173/callback',
        googlePort: 9099,
        dataDir: '/tmp/gateway-data',
      },
    });
    expect(loadConfig({ PORT: '8080' }).local.googlePort).toBe(8081);
    // An ephemeral gateway port (tests) gets an ephemeral emulator port.
    expect(loadConfig({ PORT: '0' }).local.googlePort).toBe(0);
    // With a real Google client the redirect URI is the client's, not local mode's.
    expect(loadConfig(production).local.redirectUri).toBeNull();
  });

  it('refuses an emulator port that is not a port or is the gateway’s own', () => {
    expect(problemsOf({ LOCAL_GOOGLE_PORT: '70000' }).join()).toContain('LOCAL_GOOGLE_PORT');
    expect(problemsOf({ PORT: '5000', LOCAL_GOOGLE_PORT: '5000' }).join()).toContain(
      'LOCAL_GOOGLE_PORT must differ from PORT',
    );
  });

  it('parses a keyring kept in a file like TOKEN_ENCRYPTION_KEYS, and names a bad one without its material', () => {
    const material = randomBytes(32).toString('base64');
    expect(parseEncryptionKeys(`local:${material}\n`).map((k) => k.id)).toEqual(['local']);
    const short = randomBytes(8).toString('base64');
    expect(() => parseEncryptionKeys(`local:${short}`)).toThrow(ConfigError);
    expect(() => parseEncryptionKeys(`local:${short}`)).not.toThrow(short);
  });

  it('in production refuses Google endpoints that are not https on Google’s hosts, naming each', () => {
    const problems = problemsOf({
      ...production,
      GOOGLE_AUTH_URL: 'http://accounts.google.com/o/oauth2/v2/auth',
      GOOGLE_TOKEN_URL: 'https://oauth2.googleapis.com.evil.example/token',
      GOOGLE_REVOKE_URL: 'https://127.0.0.1:9000/revoke',
      GOOGLE_API_ROOT_URL: 'http://127.0.0.1:9000/',
    });
    expect(problems).toHaveLength(4);
    for (const [index, name] of [
      'GOOGLE_AUTH_URL',
      'GOOGLE_TOKEN_URL',
      'GOOGLE_REVOKE_URL',
      'GOOGLE_API_ROOT_URL',
    ].entries()) {
      expect(problems[index]).toMatch(new RegExp(`^${name} must be an https URL`));
    }
  });

  it('in production accepts https Google endpoints, and an emulator only with ALLOW_INSECURE_GOOGLE_ENDPOINTS=true', () => {
    expect(
      loadConfig({
        ...production,
        GOOGLE_TOKEN_URL: 'https://oauth2.googleapis.com/token',
        GOOGLE_API_ROOT_URL: 'https://gmail.googleapis.com/',
      }).google?.tokenUrl,
    ).toBe('https://oauth2.googleapis.com/token');
    const emulator = { ...production, GOOGLE_TOKEN_URL: 'http://127.0.0.1:9000/token' };
    expect(problemsOf({ ...emulator, ALLOW_INSECURE_GOOGLE_ENDPOINTS: 'false' })).toHaveLength(1);
    expect(problemsOf({ ...emulator, ALLOW_INSECURE_GOOGLE_ENDPOINTS: 'yes' })).toEqual([
      'ALLOW_INSECURE_GOOGLE_ENDPOINTS must be true or false, got "yes"',
      expect.stringMatching(/^GOOGLE_TOKEN_URL must be an https URL/),
    ]);
    expect(loadConfig({ ...emulator, ALLOW_INSECURE_GOOGLE_ENDPOINTS: 'true' }).google?.tokenUrl).toBe(
      'http://127.0.0.1:9000/token',
    );
  });

  it('in production refuses to start without CORS_ORIGINS rather than fall back to local origins', () => {
    const { CORS_ORIGINS: _omitted, ...withoutCors } = production;
    expect(problemsOf(withoutCors)).toEqual([
      'NODE_ENV=production needs these variables, which are missing: CORS_ORIGINS',
    ]);
  });

  it('outside production refuses a Google client or a MongoDB without TOKEN_ENCRYPTION_KEYS', () => {
    const google = {
      GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com',
      GOOGLE_CLIENT_SECRET: 'secret',
      GOOGLE_REDIRECT_URI: 'http://localhost:5173/callback',
    };
    expect(problemsOf(google)).toEqual([
      'TOKEN_ENCRYPTION_KEYS is required when GOOGLE_CLIENT_ID is set (local mode, with neither, makes a key)',
    ]);
    expect(problemsOf({ MONGODB_URI: 'mongodb://127.0.0.1:27017' })).toEqual([
      'TOKEN_ENCRYPTION_KEYS is required when MONGODB_URI is set (local mode, with neither, makes a key)',
    ]);
    expect(problemsOf({ ...google, MONGODB_URI: 'mongodb://127.0.0.1:27017' })[0]).toContain(
      'GOOGLE_CLIENT_ID or MONGODB_URI',
    );
    expect(loadConfig({ ...google, TOKEN_ENCRYPTION_KEYS: key('dev') }).google?.clientId).toBe(
      google.GOOGLE_CLIENT_ID,
    );
    expect(loadConfig({}).tokenEncryptionKeys).toBeNull();
  });

  it('reads SESSION_IDLE_SECONDS, 24 hours by default, at least two minutes', () => {
    expect(loadConfig({}).sessionIdleSeconds).toBe(86400);
    expect(loadConfig({ SESSION_IDLE_SECONDS: '900' }).sessionIdleSeconds).toBe(900);
    expect(problemsOf({ SESSION_IDLE_SECONDS: '60' })).toEqual([
      'SESSION_IDLE_SECONDS must be an integer from 120 to 31622400, got "60"',
    ]);
  });

  it('caches sessions by default, 10,000 at most, unless SESSION_CACHE_ENABLED or SESSION_CACHE_SIZE say otherwise', () => {
    expect(loadConfig({})).toMatchObject({ sessionCacheEnabled: true, sessionCacheSize: 10_000 });
    expect(loadConfig({ SESSION_CACHE_ENABLED: 'false', SESSION_CACHE_SIZE: '50' })).toMatchObject({
      sessionCacheEnabled: false,
      sessionCacheSize: 50,
    });
    expect(problemsOf({ SESSION_CACHE_ENABLED: 'off', SESSION_CACHE_SIZE: '0' })).toEqual([
      'SESSION_CACHE_ENABLED must be true or false, got "off"',
      'SESSION_CACHE_SIZE must be an integer from 1 to 10000000, got "0"',
    ]);
  });
});
