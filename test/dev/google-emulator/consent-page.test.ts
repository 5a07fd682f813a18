import { startGoogleEmulator, type GoogleEmulator } from '../../../dev/google-emulator';
import { EMAIL, GMAIL_READONLY, oauthClient, PROFILE } from './support';

let emulator: GoogleEmulator;
beforeAll(async () => {
  emulator = await startGoogleEmulator({
    consentMode: 'page',
    users: [{ email: 'second@example.com', name: 'Second Person' }],
  });
});
afterAll(() => emulator.stop());

const SCOPES = [GMAIL_READONLY, 'openid', EMAIL, PROFILE];

function consentUrl(extra: Record<string, string> = {}): string {
  return oauthClient(emulator).generateAuthUrl({
    scope: SCOPES,
    access_type: 'offline',
    state: 'page-state',
    ...extra,
  });
}

async function openPage(
  url: string,
): Promise<{ status: number; headers: Headers; html: string; requestId: string }> {
  const response = await fetch(url, { redirect: 'manual' });
  const html = await response.text();
  const requestId = /name="consent_request" value="([^"]+)"/.exec(html)?.[1] ?? '';
  return { status: response.status, headers: response.headers, html, requestId };
}

/** What the browser posts when the person presses a button. */
async function submit(fields: Array<[string, string]>): Promise<Response> {
  return fetch(`${emulator.url}/o/oauth2/v2/auth/decision`, {
    method: 'POST',
    body: new URLSearchParams(fields),
    redirect: 'manual',
  });
}

describe('the consent page', () => {
  it('offers every account with its mailbox size and every requested scope, ticked', async () => {
    const page = await openPage(consentUrl());
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.html).toContain('demo@example.com · 300 messages');
    expect(page.html).toContain('second@example.com · 40 messages');
    for (const scope of SCOPES) expect(page.html).toContain(`name="scope" value="${scope}" checked`);
    expect(page.html).not.toMatch(/<script|<link|src="http/);
    expect(page.requestId).not.toBe('');
  });

  it('preselects the login_hint account', async () => {
    const page = await openPage(consentUrl({ login_hint: 'second@example.com' }));
    const second = emulator.users.find((u) => u.email === 'second@example.com')!;
    expect(page.html).toContain(`value="${second.id}" checked`);
    expect(page.html).not.toContain(`value="${emulator.demoUser.id}" checked`);
  });

  it('escapes a hostile login_hint', async () => {
    const hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
    const page = await openPage(consentUrl({ login_hint: hostile }));
    expect(page.html).not.toContain('<script>alert(1)</script>');
    expect(page.html).not.toContain('<img src=x');
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('redirects with a code for the chosen account and only the scopes left ticked', async () => {
    const page = await openPage(consentUrl());
    const second = emulator.users.find((u) => u.email === 'second@example.com')!;
    const response = await submit([
      ['consent_request', page.requestId],
      ['account', second.id],
      ['scope', 'openid'],
      ['scope', EMAIL],
      ['action', 'allow'],
    ]);
    expect(response.status).toBe(302);
    const redirect = new URL(response.headers.get('location')!);
    expect(redirect.origin + redirect.pathname).toBe(emulator.defaultClient.redirectUris[0]);
    expect(redirect.searchParams.get('state')).toBe('page-state');
    expect(redirect.searchParams.get('scope')).toBe(`openid ${EMAIL}`);

    const client = oauthClient(emulator);
    const { tokens } = await client.getToken({ code: redirect.searchParams.get('code')! });
    expect((await client.getTokenInfo(tokens.access_token!)).sub).toBe(second.id);
  });

  it('redirects with error=access_denied on Cancel', async () => {
    const page = await openPage(consentUrl());
    const response = await submit([
      ['consent_request', page.requestId],
      ['account', emulator.demoUser.id],
      ['action', 'cancel'],
    ]);
    const redirect = new URL(response.headers.get('location')!);
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    expect(redirect.searchParams.get('state')).toBe('page-state');
  });

  it('accepts each page once', async () => {
    const page = await openPage(consentUrl());
    const fields: Array<[string, string]> = [
      ['consent_request', page.requestId],
      ['account', emulator.demoUser.id],
      ['action', 'allow'],
    ];
    expect((await submit(fields)).status).toBe(302);
    const again = await submit(fields);
    expect(again.status).toBe(400);
    expect(again.headers.get('location')).toBeNull();
  });

  it('skips the page when a decision is queued', async () => {
    emulator.nextConsent({ email: 'second@example.com' });
    const response = await fetch(consentUrl(), { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get('location')!).searchParams.get('code')).toBeTruthy();
  });

  it('shows what came back on the emulator’s own callback page, escaped', async () => {
    const response = await fetch(
      `${emulator.defaultClient.redirectUris[0]}?code=4/0Aabc&state=%3Cb%3Ex%3C/b%3E`,
    );
    const page = await response.text();
    expect(page).toContain('4/0Aabc');
    expect(page).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(page).toContain(emulator.endpoints.tokenUrl);
  });
});
