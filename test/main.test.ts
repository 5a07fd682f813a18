import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** Runs the built entry point (`npm test` builds first) with only the given environment. */
const MAIN = join(__dirname, '..', 'dist', 'src', 'main.js');

function run(env: Record<string, string>): {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: 'pipe',
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitFor<T>(read: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('npm start (dist/src/main.js)', () => {
  it('starts in local mode with no environment at all, says so, answers /healthz and /readyz, and exits 0 on SIGTERM', async () => {
    const gateway = run({ PORT: '0' });
    try {
      const port = await waitFor(() => {
        const line = gateway
          .stdout()
          .split('\n')
          .find((l) => l.includes('"gateway listening"'));
        return line ? (JSON.parse(line) as { port: number }).port : undefined;
      }, 20_000);
      expect(gateway.stdout()).toContain('LOCAL MODE');
      expect(gateway.stdout()).toContain('demo@example.com');
      expect(gateway.stdout()).toContain(`http://localhost:${port}/graphql`);

      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      const graphql = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ authorizationUrl { url } }' }),
      });
      const body = (await graphql.json()) as { data: { authorizationUrl: { url: string } } };
      expect(body.data.authorizationUrl.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/o\/oauth2\/v2\/auth\?/);
    } finally {
      gateway.child.kill('SIGTERM');
    }
    expect(await gateway.exited).toBe(0);
  }, 30_000);

  it('refuses to start in production without configuration and names every missing variable', async () => {
    const gateway = run({ NODE_ENV: 'production' });
    expect(await gateway.exited).toBe(1);
    for (const name of [
      'GOOGLE_CLIENT_ID',
      'GOOGLE_CLIENT_SECRET',
      'GOOGLE_REDIRECT_URI',
      'MONGODB_URI',
      'TOKEN_ENCRYPTION_KEYS',
    ]) {
      expect(gateway.stderr()).toContain(name);
    }
    expect(gateway.stdout()).not.toContain('LOCAL MODE');
  }, 30_000);
});
