import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { followConsent } from './support/follow-consent';
import { listening, localDataDir, runMain, type MainProcess } from './support/main-process';

/**
 * Local mode as `npm run dev` uses it: the built entry point started, stopped with SIGTERM (what tsx watch sends
 * on an edit) and started again on the same data folder.
 */
const DEMO_EMAIL = 'demo@example.com';
const ROOT = join(__dirname, '..');

interface GraphQLAnswer<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

async function graphql<T>(port: number, query: string, token?: string): Promise<GraphQLAnswer<T>> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as GraphQLAnswer<T>;
}

/** A port nothing listens on right now, so that two starts can be given the same one. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Asks the gateway for a consent URL and consents as the demo user at the emulator (its page skipped by a
 * queued decision); returns the consent URL and where the emulator redirected.
 */
async function consent(
  emulatorUrl: string,
  port: number,
): Promise<{ url: URL; redirect: URL; requestSecret: string }> {
  const asked = await graphql<{ authorizationUrl: { url: string; requestSecret: string } }>(
    port,
    '{ authorizationUrl { url requestSecret } }',
  );
  const queued = await fetch(`${emulatorUrl}/__emulator/next-consent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO_EMAIL }),
  });
  expect(queued.status).toBe(200);
  const { url, requestSecret } = asked.data!.authorizationUrl;
  return { url: new URL(url), redirect: await followConsent(url), requestSecret };
}

async function exchange(
  port: number,
  { redirect, requestSecret }: { redirect: URL; requestSecret: string },
): Promise<string> {
  const code = JSON.stringify(redirect.searchParams.get('code'));
  const state = JSON.stringify(redirect.searchParams.get('state'));
  const secret = JSON.stringify(requestSecret);
  const answer = await graphql<{ exchangeCode: { sessionToken: string; viewer: { email: string } } }>(
    port,
    `mutation { exchangeCode(code: ${code}, state: ${state}, requestSecret: ${secret}) { sessionToken viewer { email } } }`,
  );
  expect(answer.errors).toBeUndefined();
  expect(answer.data!.exchangeCode.viewer.email).toBe(DEMO_EMAIL);
  return answer.data!.exchangeCode.sessionToken;
}

const FIRST_PAGE = '{ viewer { email status } messages(first: 3) { edges { node { id subject } } } }';
interface FirstPage {
  viewer: { email: string; status: string } | null;
  messages: { edges: Array<{ node: { id: string; subject: string } }> };
}

async function stop(gateway: MainProcess): Promise<void> {
  gateway.child.kill('SIGTERM');
  expect(await gateway.exited).toBe(0);
}

describe('local mode across restarts (dist/src/main.js)', () => {
  const data = localDataDir();
  afterAll(() => data.remove());
  let env: Record<string, string>;
  /** The session signed in by the first test; the reset test shows it is gone. */
  let token: string | undefined;

  it('keeps the same emulator URL, and the same session still reads mail after a SIGTERM and a start on the same data folder', async () => {
    env = {
      PORT: String(await freePort()),
      LOCAL_GOOGLE_PORT: String(await freePort()),
      LOCAL_DATA_DIR: data.path,
    };
    const first = runMain(env);
    let before: FirstPage;
    let firstEmulator: string;
    try {
      const { port, emulatorUrl } = await listening(first);
      expect(emulatorUrl).toBe(`http://127.0.0.1:${env.LOCAL_GOOGLE_PORT}`);
      firstEmulator = emulatorUrl!;
      token = await exchange(port, await consent(emulatorUrl!, port));
      const read = await graphql<FirstPage>(port, FIRST_PAGE, token);
      expect(read.errors).toBeUndefined();
      before = read.data!;
      expect(before.messages.edges).toHaveLength(3);
    } finally {
      await stop(first);
    }

    // What local mode left behind: the store, the emulator's grants, the key (owner-only).
    expect(readdirSync(data.path).sort()).toEqual([
      'google-emulator.json',
      'mongo.bson',
      'token-encryption-keys',
    ]);
    if (process.platform !== 'win32') {
      expect(statSync(join(data.path, 'token-encryption-keys')).mode & 0o777).toBe(0o600);
    }

    const second = runMain(env);
    try {
      const { port, emulatorUrl } = await listening(second);
      expect(emulatorUrl).toBe(firstEmulator);
      const read = await graphql<FirstPage>(port, FIRST_PAGE, token);
      expect(read.errors).toBeUndefined();
      expect(read.data).toEqual(before);

      // The stored refresh token (decrypted with the kept key) still works at the restarted emulator.
      const expired = await fetch(`${emulatorUrl}/__emulator/expire-access-tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: DEMO_EMAIL }),
      });
      expect(expired.status).toBe(200);
      const afterRefresh = await graphql<FirstPage>(port, FIRST_PAGE, token);
      expect(afterRefresh.errors).toBeUndefined();
      expect(afterRefresh.data).toEqual(before);
      const log = (await (await fetch(`${emulatorUrl}/__emulator/requests`)).json()) as {
        requests: Array<{ endpoint: string; grantType?: string; status: number }>;
      };
      expect(log.requests.filter((r) => r.endpoint === 'token' && r.grantType === 'refresh_token')).toEqual([
        expect.objectContaining({ status: 200 }),
      ]);
    } finally {
      await stop(second);
    }
  }, 60_000);

  it('starts over after `npm run local:reset`: the folder is gone and the old session is unknown', async () => {
    // Runs after the restart test above, on the folder it filled and with the session it signed in.
    expect(token).toEqual(expect.any(String));
    expect(existsSync(join(data.path, 'mongo.bson'))).toBe(true);
    const reset = spawnSync(process.execPath, [join(ROOT, 'scripts', 'local-reset.mjs')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', LOCAL_DATA_DIR: data.path },
      encoding: 'utf8',
    });
    expect(reset.status).toBe(0);
    expect(existsSync(data.path)).toBe(false);

    const fresh = runMain(env);
    try {
      const { port } = await listening(fresh);
      const read = await graphql<FirstPage>(port, '{ viewer { email } }', token);
      expect(read.data).toEqual({ viewer: null });
    } finally {
      await stop(fresh);
    }
  }, 30_000);
});

describe('local mode’s emulator port (dist/src/main.js)', () => {
  it('stops with one line naming LOCAL_GOOGLE_PORT when the emulator’s port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const gateway = runMain({ PORT: '0', LOCAL_GOOGLE_PORT: String(port) });
      expect(await gateway.exited).toBe(1);
      expect(gateway.stderr()).toContain(
        `the Google emulator's port ${port} is in use: set LOCAL_GOOGLE_PORT to a free port`,
      );
      expect(gateway.stderr().trim().split('\n')).toHaveLength(1);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  }, 30_000);
});

describe('local mode for a frontend of your own (dist/src/main.js)', () => {
  const FRONTEND = 'http://localhost:5173';

  it('sends GOOGLE_REDIRECT_URI in the consent URL, the emulator redirects there, and CORS_ORIGINS passes a preflight', async () => {
    const gateway = runMain({
      PORT: '0',
      GOOGLE_REDIRECT_URI: `${FRONTEND}/callback`,
      CORS_ORIGINS: FRONTEND,
    });
    try {
      const { port, emulatorUrl } = await listening(gateway);
      const consented = await consent(emulatorUrl!, port);
      const { url, redirect } = consented;
      expect(url.searchParams.get('redirect_uri')).toBe(`${FRONTEND}/callback`);
      expect(`${redirect.origin}${redirect.pathname}`).toBe(`${FRONTEND}/callback`);
      expect(redirect.searchParams.get('code')).toEqual(expect.any(String));
      // The code exchange repeats that redirect URI to the emulator, which accepts it.
      await exchange(port, consented);

      const preflight = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'OPTIONS',
        headers: {
          origin: FRONTEND,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,authorization',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(FRONTEND);
      expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');

      const foreign = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:5174', 'access-control-request-method': 'POST' },
      });
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await stop(gateway);
    }
  }, 30_000);
});
