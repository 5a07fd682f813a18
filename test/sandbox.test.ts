import { Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await Harness.start();
});
afterAll(() => h.stop());

describe('Apollo Sandbox outside production', () => {
  it('serves the Sandbox landing page with a ready example operation and the Authorization header explained', async () => {
    const response = await fetch(`${h.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toMatch(/sandbox/i);
    expect(html).toContain('StartSignIn');
    expect(html).toContain('exchangeCode');
    expect(html).toContain('requestSecret: $requestSecret');
    expect(html).toContain('Bearer');
  });
});
