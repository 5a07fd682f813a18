import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { listening, runMain } from './support/main-process';

/** The machine's own Node, when it is older than the one the gateway needs (Debian ships 20). */
const OLD_NODE = ['/usr/bin/node', '/usr/local/bin/node'].find(
  (path) => existsSync(path) && Number(nodeVersionOf(path).split('.')[0]) < 22,
);

function nodeVersionOf(path: string): string {
  return execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
}

describe('starting the gateway', () => {
  (OLD_NODE ? it : it.skip)(
    `on a Node older than 22 (${OLD_NODE ?? 'no such binary on this machine: skipped'}) stops with one line naming both versions and exits 1`,
    async () => {
      const gateway = runMain({ PORT: '0' }, { node: OLD_NODE! });
      expect(await gateway.exited).toBe(1);
      expect(gateway.stderr()).toBe(`needs Node 22 or newer, found ${nodeVersionOf(OLD_NODE!)}\n`);
      expect(gateway.stdout()).toBe('');
    },
    30_000,
  );

  it('on a port already in use answers one line naming the port and PORT, and exits 1', async () => {
    const occupier = await occupyPort();
    try {
      const port = (occupier.address() as { port: number }).port;
      const gateway = runMain({ PORT: String(port) });
      expect(await gateway.exited).toBe(1);
      expect(gateway.stderr()).toBe(`port ${port} is already in use: set PORT to a free port\n`);
      expect(gateway.stdout()).not.toContain('LOCAL MODE');
    } finally {
      await new Promise((resolve) => occupier.close(resolve));
    }
  }, 30_000);

  it("in local mode prints the emulator's URL and its control page, which answers", async () => {
    const gateway = runMain({ PORT: '0' });
    try {
      const { emulatorUrl } = await listening(gateway);
      expect(emulatorUrl).not.toBeNull();
      expect(gateway.stdout()).toContain(`${emulatorUrl}/__emulator`);
      const control = await fetch(`${emulatorUrl}/__emulator`);
      expect(control.status).toBe(200);
    } finally {
      gateway.child.kill('SIGTERM');
    }
    expect(await gateway.exited).toBe(0);
  }, 30_000);

  it('in local mode sends the example client opened at 127.0.0.1 to localhost, where sign-in works, and answers the API on both', async () => {
    const gateway = runMain({ PORT: '0' });
    try {
      const { port } = await listening(gateway);
      for (const path of ['/', '/callback?code=x&state=y']) {
        const page = await fetch(`http://127.0.0.1:${port}${path}`, { redirect: 'manual' });
        expect(page.status).toBe(307);
        expect(page.headers.get('location')).toBe(`http://localhost:${port}${path}`);
      }
      const onLocalhost = await fetch(`http://127.0.0.1:${port}/`, {
        headers: { host: `localhost:${port}` },
      });
      expect(onLocalhost.status).toBe(200);
      const api = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ authorizationUrl { url } }' }),
      });
      expect(api.status).toBe(200);
    } finally {
      gateway.child.kill('SIGTERM');
    }
    expect(await gateway.exited).toBe(0);
  }, 30_000);
});

function occupyPort(): Promise<Server> {
  const server = createServer();
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
