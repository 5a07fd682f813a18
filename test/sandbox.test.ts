import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXPLORER_CSP } from '../src/http/explorer';
import { Harness } from './support/harness';

const EXPLORER_DIST = join(__dirname, '..', 'examples', 'explorer', 'dist');

let h: Harness;
let production: Harness;
beforeAll(async () => {
  if (!existsSync(join(EXPLORER_DIST, 'index.html')))
    throw new Error('examples/explorer/dist is missing: run `npm run build:web` first.');
  h = await Harness.start();
  production = await Harness.start({ production: true });
});
afterAll(async () => {
  await h.stop();
  await production.stop();
});

const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('the API explorer outside production', () => {
  it('answers a browser opening /graphql with the offline explorer, locked to its own origin by CSP', async () => {
    const response = await fetch(`${h.url}/graphql`, { headers: html });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(response.headers.get('content-security-policy')).toBe(EXPLORER_CSP);
    expect(EXPLORER_CSP).toContain("script-src 'self'");
    const page = await response.text();
    expect(page).toContain('<script type="module" src="/explorer/main.js"></script>');
    expect(page).toContain('<link rel="stylesheet" href="/explorer/main.css" />');
    // Every script and stylesheet is a path on this server: nothing names another host.
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('serves the bundle with the example operations and the Authorization header in it', async () => {
    const response = await fetch(`${h.url}/explorer/main.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(response.headers.get('content-security-policy')).toBe(EXPLORER_CSP);
    const bundle = await response.text();
    for (const operation of ['AuthorizationUrl', 'ExchangeCode', 'MessagesPage', 'Viewer', 'SignOut'])
      expect(bundle).toContain(operation);
    expect(bundle).toContain('Bearer <sessionToken from exchangeCode>');
    expect(bundle).toContain('/graphql?sandbox');
    const styles = await fetch(`${h.url}/explorer/main.css`);
    expect(styles.status).toBe(200);
    expect(styles.headers.get('content-type')).toMatch(/text\/css/);
  });

  it('answers 404 for an asset the explorer does not have', async () => {
    const response = await fetch(`${h.url}/explorer/nothing-here.js`);
    expect(response.status).toBe(404);
  });

  it('still answers GraphQL over GET and POST at /graphql', async () => {
    const get = await fetch(`${h.url}/graphql?query=${encodeURIComponent('{ viewer { id } }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ data: { viewer: null } });
    expect((await h.graphql('{ viewer { id } }')).body).toEqual({ data: { viewer: null } });
  });

  it('serves Apollo Sandbox at /graphql?sandbox with a ready example operation and the Authorization header explained', async () => {
    const response = await fetch(`${h.url}/graphql?sandbox`, { headers: html });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const page = await response.text();
    expect(page).toMatch(/sandbox/i);
    expect(page).toContain('StartSignIn');
    expect(page).toContain('exchangeCode');
    expect(page).toContain('requestSecret: $requestSecret');
    expect(page).toContain('Bearer');
  });
});

describe('in production', () => {
  it('serves neither the explorer nor Sandbox', async () => {
    for (const path of ['/graphql', '/graphql?sandbox']) {
      const response = await fetch(`${production.url}${path}`, { headers: html });
      const body = await response.text();
      // Only the security headers' policy (no framing), never the explorer's.
      expect(response.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
      expect(body).not.toContain('/explorer/main.js');
      expect(body).not.toMatch(/sandbox/i);
    }
    expect((await fetch(`${production.url}/explorer/main.js`)).status).toBe(404);
  });
});
