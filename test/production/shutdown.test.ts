import { postGraphQL, signInAt } from '../support/harness';
import { listening, runMain } from '../support/main-process';

describe('SIGTERM', () => {
  it('lets in-flight requests complete, then exits 0', async () => {
    const gateway = runMain({ PORT: '0' });
    try {
      const { port, emulatorUrl } = await listening(gateway);
      const gatewayUrl = `http://127.0.0.1:${port}`;
      const control = (path: string, body: unknown) =>
        fetch(`${emulatorUrl!}/__emulator/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });

      // Sign in through the emulator (a queued decision skips its consent page).
      await control('next-consent', { email: 'demo@example.com' });
      const { token } = await signInAt(gatewayUrl);

      // Slow Gmail down, start requests, and stop the gateway while they wait on it.
      await control('latency', { endpoint: 'messages.list', distribution: 'fixed', ms: 800 });
      const inFlight = Array.from({ length: 3 }, () =>
        postGraphQL<{ messages: { edges: unknown[] } }>(
          gatewayUrl,
          '{ messages(first: 3) { edges { node { id } } } }',
          {},
          { token },
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      gateway.child.kill('SIGTERM');

      const responses = await Promise.all(inFlight);
      for (const response of responses) {
        expect(response.status).toBe(200);
        expect(response.body.data?.messages.edges).toHaveLength(3);
      }
      expect(await gateway.exited).toBe(0);
    } finally {
      gateway.child.kill('SIGKILL');
    }
  }, 40_000);
});
