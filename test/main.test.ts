import { listening, runMain } from './support/main-process';

describe('npm start (dist/src/main.js)', () => {
  it('starts in local mode with no environment at all, says so, answers /healthz and /readyz, and exits 0 on SIGTERM', async () => {
    const gateway = runMain({ PORT: '0' });
    try {
      const { port } = await listening(gateway);
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
    const gateway = runMain({ NODE_ENV: 'production' });
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
