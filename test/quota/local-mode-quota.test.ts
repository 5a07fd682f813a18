import { postGraphQL, signInAt } from '../support/harness';
import { listening, runMain } from '../support/main-process';

describe('local mode (dist/src/main.js)', () => {
  it("shows the user's Gmail budget in every mailbox answer", async () => {
    const gateway = runMain({ PORT: '0' });
    try {
      const { port, emulatorUrl } = await listening(gateway);
      const consent = await fetch(`${emulatorUrl}/__emulator/next-consent`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'demo@example.com' }),
      });
      expect(consent.ok).toBe(true);
      const url = `http://127.0.0.1:${port}`;
      const { token } = await signInAt(url, { loginHint: 'demo@example.com' });

      const page = await postGraphQL(
        url,
        '{ messages(first: 5) { edges { node { id subject } } } }',
        {},
        { token },
      );
      expect(page.body.errors).toBeUndefined();
      expect((page.body as { extensions?: unknown }).extensions).toEqual({
        gmailQuota: { spentUnits: 30, remainingUnits: 6000 - 30, resetAt: expect.any(String) },
      });
    } finally {
      gateway.child.kill('SIGTERM');
    }
    expect(await gateway.exited).toBe(0);
  }, 30_000);
});
