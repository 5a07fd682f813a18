import { followConsent } from '../support/harness';
import { listening, runMain } from '../support/main-process';

describe('SIGTERM', () => {
  it('lets in-flight requests complete, then exits 0', async () => {
    const gateway = runMain({ PORT: '0' });
    try {
      const { port, emulatorUrl } = await listening(gateway);
      const api = `http://127.0.0.1:${port}/graphql`;
      const post = async <T>(query: string, variables: Record<string, unknown> = {}, token?: string) => {
        const response = await fetch(api, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify({ query, variables }),
        });
        return { status: response.status, body: (await response.json()) as { data: T } };
      };
      const control = (path: string, body: unknown) =>
        fetch(`${emulatorUrl!}/__emulator/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });

      // Sign in through the emulator (a queued decision skips its consent page).
      await control('next-consent', { email: 'demo@example.com' });
      const start = await post('{ authorizationUrl { url } }');
      const redirect = await followConsent(
        (start.body.data as { authorizationUrl: { url: string } }).authorizationUrl.url,
      );
      const signIn = await post(
        'mutation($c: String!, $s: String!) { exchangeCode(code: $c, state: $s) { sessionToken } }',
        {
          c: redirect.searchParams.get('code'),
          s: redirect.searchParams.get('state'),
        },
      );
      const token = (signIn.body.data as { exchangeCode: { sessionToken: string } }).exchangeCode
        .sessionToken;

      // Slow Gmail down, start requests, and stop the gateway while they wait on it.
      await control('latency', { endpoint: 'messages.list', distribution: 'fixed', ms: 800 });
      const inFlight = Array.from({ length: 3 }, () =>
        post<{ messages: { edges: unknown[] } }>(
          '{ messages(first: 3) { edges { node { id } } } }',
          {},
          token,
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      gateway.child.kill('SIGTERM');

      const responses = await Promise.all(inFlight);
      for (const response of responses) {
        expect(response.status).toBe(200);
        expect(response.body.data.messages.edges).toHaveLength(3);
      }
      expect(await gateway.exited).toBe(0);
    } finally {
      gateway.child.kill('SIGKILL');
    }
  }, 40_000);
});
