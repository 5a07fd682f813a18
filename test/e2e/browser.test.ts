import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { listening, runMain } from '../support/main-process';

/**
 * The whole product in a real browser: `node dist/src/main.js` in local mode (Google emulator, in-memory
 * MongoDB) serving the example web client, driven through headless Debian Chromium. Needs `npm run build` and
 * `npm run build:web` first (`npm test` runs both). Screenshots of every step go to test-artifacts/e2e/.
 */
const ROOT = join(__dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-artifacts', 'e2e');
const STEP_TIMEOUT_MS = 60_000;
const DEMO_EMAIL = 'demo@example.com';

// Developers without Chromium get a skip and the reason; CI must never skip silently.
const runnable = existsSync(CHROMIUM) || process.env.CI !== undefined;
if (!runnable) {
  console.warn(
    `Skipping the browser end-to-end test: ${CHROMIUM} is missing (install it with \`apt-get install -y chromium\`).`,
  );
}
const describeInBrowser = runnable ? describe : describe.skip;

interface RunningGateway {
  readonly process: ChildProcess;
  readonly origin: string;
  readonly emulatorUrl: string;
  output(): string;
}

describeInBrowser('the example web client in a real browser', () => {
  let gateway: RunningGateway | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let userDataDir: string | undefined;
  /** Every URL the browser tried to reach outside loopback (aborted): must stay empty. */
  const offLoopback: string[] = [];
  /** The same, seen as requests leaving any page (the route above could be bypassed; this cannot). */
  const offLoopbackRequests: string[] = [];
  /** GraphQL operation names the page sent, in order. */
  const operations: string[] = [];
  /** Every URL the page's main frame visited. */
  const visited: string[] = [];
  /** Uncaught exceptions and console errors (a CSP violation, a failed load) on any page. */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    for (const [file, command] of [
      ['dist/src/main.js', 'npm run build'],
      ['examples/web/dist/index.html', 'npm run build:web'],
      ['examples/explorer/dist/index.html', 'npm run build:web'],
    ] as const) {
      if (!existsSync(join(ROOT, file))) throw new Error(`${file} is missing: run \`${command}\` first.`);
    }
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\`.`);
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    gateway = await startGateway();

    userDataDir = mkdtempSync(join(tmpdir(), 'gateway-e2e-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1000, height: 800 },
      locale: 'en-US',
      timezoneId: 'UTC',
    });
    context.setDefaultTimeout(20_000);
    context.setDefaultNavigationTimeout(20_000);
    await context.route('**/*', (route) => {
      const { hostname } = new URL(route.request().url());
      if (hostname === 'localhost' || hostname === '127.0.0.1') return route.continue();
      offLoopback.push(route.request().url());
      return route.abort('blockedbyclient');
    });
    context.on('request', (req) => {
      const { protocol, hostname } = new URL(req.url());
      const loopback = hostname === 'localhost' || hostname === '127.0.0.1';
      if (!loopback && protocol !== 'data:' && protocol !== 'blob:') offLoopbackRequests.push(req.url());
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (req) => {
      if (req.method() === 'POST' && new URL(req.url()).pathname === '/graphql') {
        const body = req.postDataJSON() as { operationName?: string } | null;
        operations.push(body?.operationName ?? '(anonymous)');
      }
    });
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`${page.url()}: ${message.text()}`);
    });
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) visited.push(frame.url());
    });
  }, STEP_TIMEOUT_MS);

  afterAll(async () => {
    await context?.close();
    if (gateway !== undefined) await stopGateway(gateway.process);
    if (userDataDir !== undefined) rmSync(userDataDir, { recursive: true, force: true });
  }, STEP_TIMEOUT_MS);

  // The steps are one journey: after a failed step the rest report that instead of timing out one by one.
  let failedStep: string | undefined;
  let shot = 0;
  function step(name: string, run: () => Promise<void>): void {
    test(
      name,
      async () => {
        if (failedStep !== undefined) throw new Error(`not run: an earlier step failed ("${failedStep}")`);
        try {
          await run();
          await screenshot(name);
        } catch (error) {
          failedStep = name;
          await screenshot(`FAILED ${name}`).catch(() => undefined);
          if (gateway !== undefined) console.error(`gateway output:\n${gateway.output().slice(-4000)}`);
          throw error;
        }
      },
      STEP_TIMEOUT_MS,
    );
  }
  async function screenshot(name: string): Promise<void> {
    shot += 1;
    const file = `${String(shot).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`;
    await page.screenshot({ path: join(ARTIFACTS, file.replace(/-+\.png$/, '.png')), fullPage: true });
  }

  const items = () => page.getByTestId('message-item');
  const itemIds = () =>
    items().evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-message-id') ?? ''));
  /** The list renders whole, so once item n exists the list is complete; then it must have exactly n. */
  const waitForItemCount = async (count: number) => {
    await items()
      .nth(count - 1)
      .waitFor();
    expect(await items().count()).toBe(count);
  };
  const consentAsDemoUser = async () => {
    await page.waitForURL((url) => url.origin === gateway!.emulatorUrl);
    await page.getByRole('radio', { name: new RegExp(DEMO_EMAIL.replace('.', '\\.')) }).check();
    await screenshot('consent page');
    await page.getByRole('button', { name: 'Allow' }).click();
  };
  const waitForMailbox = async () => {
    await page.waitForURL(`${gateway!.origin}/`);
    await page.getByTestId('viewer-email').filter({ hasText: DEMO_EMAIL }).waitFor();
    await waitForItemCount(20);
  };

  step('opens on a Connect Gmail button', async () => {
    await page.goto(`${gateway!.origin}/`);
    await page.getByTestId('connect-button').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Gmail');
  });

  step('Connect Gmail leads to the consent page, and Allow to the mailbox via /callback', async () => {
    await page.getByTestId('connect-button').click();
    await consentAsDemoUser();
    await waitForMailbox();
    expect(visited.some((url) => url.startsWith(`${gateway!.origin}/callback?`))).toBe(true);
    // The single-use code does not stay in the address bar or the history.
    expect(page.url()).toBe(`${gateway!.origin}/`);
    expect(operations).toEqual(expect.arrayContaining(['AuthorizationUrl', 'ExchangeCode', 'MessagesPage']));
  });

  step('shows the first 20 messages with subject, sender, date and snippet', async () => {
    await waitForItemCount(20);
    // Gmail's estimate (the emulator's too) is high before the last page: 330 for the demo mailbox's 300.
    expect(await page.getByTestId('message-count').textContent()).toBe('Showing 20 of about 330');
    const first = items().first();
    expect((await first.getByTestId('message-subject').textContent())?.trim()).not.toBe('');
    expect(await first.getByTestId('message-from').textContent()).toMatch(/@/);
    expect(await first.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // Gmail's snippets are HTML-escaped; the page shows them decoded, as text.
    expect((await page.getByTestId('message-list').textContent()) ?? '').not.toMatch(
      /&(#\d+|amp|quot|lt|gt);/,
    );
    expect(await page.getByTestId('load-more-button').isVisible()).toBe(true);
  });

  step('Load more appends the next 20 messages', async () => {
    const firstPage = await itemIds();
    await page.getByTestId('load-more-button').click();
    await waitForItemCount(40);
    const ids = await itemIds();
    expect(ids.slice(0, 20)).toEqual(firstPage);
    expect(new Set(ids).size).toBe(40);
    expect(await page.getByTestId('message-count').textContent()).toBe('Showing 40 of about 330');
  });

  step('a search shows only the matching messages', async () => {
    const subject = (await items().first().getByTestId('message-subject').textContent()) ?? '';
    const word = subject.split(/[^A-Za-z]+/).find((w) => w.length >= 5);
    if (word === undefined) throw new Error(`no word to search for in the subject "${subject}"`);
    await page.getByTestId('search-input').fill(`subject:${word}`);
    await page.getByTestId('search-button').click();
    // The whole mailbox's estimate is 330; the search's own count replaces it once its first page is in.
    await page
      .getByTestId('message-count')
      .filter({ hasText: /^(Showing \d+ of about (?!330$)\d+|No messages match\.)$/ })
      .waitFor();
    const subjects = await page.getByTestId('message-subject').allTextContents();
    expect(subjects.length).toBeGreaterThan(0);
    expect(subjects.length).toBeLessThanOrEqual(20);
    for (const s of subjects) expect(s.toLowerCase()).toContain(word.toLowerCase());
    if (subjects.length < 20) expect(await page.getByTestId('load-more-button').isVisible()).toBe(false);
  });

  step('after Google revokes the grant, a refresh offers Reconnect with a consent URL', async () => {
    await postJson(`${gateway!.emulatorUrl}/__emulator/revoke`, { email: DEMO_EMAIL });
    await page.getByTestId('refresh-button').click();
    const reconnect = page.getByTestId('reconnect-link');
    await reconnect.waitFor();
    const href = new URL((await reconnect.getAttribute('href')) ?? '');
    expect(href.origin).toBe(gateway!.emulatorUrl);
    expect(href.searchParams.get('login_hint')).toBe(DEMO_EMAIL);
    expect(href.searchParams.get('state')).toBeTruthy();
  });

  step('Reconnect goes through consent again and shows the mail again', async () => {
    await page.getByTestId('reconnect-link').click();
    await consentAsDemoUser();
    await waitForMailbox();
    expect(await page.getByTestId('mailbox-error').textContent()).toBe('');
    expect(await page.getByTestId('message-count').textContent()).toBe('Showing 20 of about 330');
  });

  step(
    'a Disconnect Google that Google refuses keeps the session and says access was not revoked',
    async () => {
      await postJson(`${gateway!.emulatorUrl}/__emulator/faults`, {
        endpoint: 'revoke',
        status: 503,
        times: 1,
      });
      const sessionBefore = await page.evaluate(() => JSON.stringify(sessionStorage));
      await page.getByTestId('disconnect-button').click();
      await page.getByTestId('disconnect-failed').waitFor();
      expect(operations.at(-1)).toBe('DisconnectGoogle');
      expect(await page.getByTestId('mailbox-error').textContent()).toContain('can still read your Gmail');
      expect(page.url()).toBe(`${gateway!.origin}/`);
      expect(await page.evaluate(() => JSON.stringify(sessionStorage))).toBe(sessionBefore);
      expect(await page.getByTestId('disconnect-button').isEnabled()).toBe(true);
      // The session still works.
      await page.getByTestId('refresh-button').click();
      await waitForItemCount(20);
    },
  );

  step('Sign out returns to Connect Gmail and forgets the session', async () => {
    await page.getByTestId('sign-out-button').click();
    await page.getByTestId('connect-button').waitFor();
    expect(operations.at(-1)).toBe('SignOut');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  step('Cancel on the consent page comes back with a message and no session', async () => {
    await page.getByTestId('connect-button').click();
    await page.waitForURL((url) => url.origin === gateway!.emulatorUrl);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('callback-error').waitFor();
    expect(await page.getByTestId('callback-error').textContent()).toContain('cancelled');
    expect(page.url()).toBe(`${gateway!.origin}/callback`);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  step(
    'a callback with a state this tab did not start is refused without an exchange, left in the address bar, and shown decoded with its curl command',
    async () => {
      const before = operations.length;
      await page.goto(`${gateway!.origin}/callback?code=4%2Fforged-code&state=forged-state`);
      await page.getByTestId('callback-error').waitFor();
      expect(await page.getByTestId('callback-error').textContent()).toContain('does not match');
      expect(await page.getByTestId('foreign-code').textContent()).toBe('4/forged-code');
      expect(await page.getByTestId('foreign-state').textContent()).toBe('forged-state');
      const curl = await page.getByTestId('exchange-curl').textContent();
      expect(curl).toContain(`curl -s '${gateway!.origin}/graphql'`);
      // The request secret never travels in a URL: the command reads it from the shell's $REQUEST_SECRET.
      expect(curl).toContain(
        `"variables":{"code":"4/forged-code","state":"forged-state","requestSecret":"'"$REQUEST_SECRET"'"}`,
      );
      expect(operations.slice(before)).not.toContain('ExchangeCode');
      // Not this tab's sign-in: the code stays in the address bar for whoever started it (curl, Sandbox).
      expect(page.url()).toBe(`${gateway!.origin}/callback?code=4%2Fforged-code&state=forged-state`);
    },
  );

  step(
    'the API explorer at /graphql opens offline with the example operations and the Authorization header ready',
    async () => {
      await page.goto(`${gateway!.origin}/graphql`);
      await page.locator('.graphiql-container').waitFor();
      expect(await page.locator('.graphiql-tab-button').allTextContents()).toEqual([
        'AuthorizationUrl',
        'Viewer',
        'MessagesPage',
        'SignOut',
      ]);
      // The editors fill in once CodeMirror has loaded; the header must then be there without typing.
      const headersEditor = page.locator(
        '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror-code',
      );
      await headersEditor.filter({ hasText: '"Authorization"' }).waitFor();
      expect(await headersEditor.textContent()).toContain(
        '"Authorization": "Bearer <sessionToken from exchangeCode>"',
      );
      const sandbox = page.getByRole('link', { name: 'Apollo Sandbox (online)' });
      expect(await sandbox.getAttribute('href')).toBe('/graphql?sandbox');
    },
  );

  step('running AuthorizationUrl in the explorer shows a consent URL in the result pane', async () => {
    const sent = page.waitForRequest(
      (req) =>
        req.method() === 'POST' &&
        (req.postDataJSON() as { operationName?: string } | null)?.operationName === 'AuthorizationUrl',
    );
    // The first tab holds AuthorizationUrl and ExchangeCode: GraphiQL asks which one to run.
    await page.locator('.graphiql-execute-button').click();
    await page.getByRole('menuitem', { name: 'AuthorizationUrl' }).click();
    expect((await sent).headers()['authorization']).toBe('Bearer <sessionToken from exchangeCode>');
    const result = page.locator('.result-window');
    await result.filter({ hasText: '"url"' }).waitFor();
    const url = /"url": "([^"]+)"/.exec((await result.textContent()) ?? '')?.[1];
    if (url === undefined) throw new Error('no url in the result pane');
    const consent = new URL(url);
    expect(consent.origin).toBe(gateway!.emulatorUrl);
    expect(consent.searchParams.get('state')).toBeTruthy();
    expect(consent.searchParams.get('code_challenge_method')).toBe('S256');
  });

  step('nothing left loopback and no page logged an error', async () => {
    expect(offLoopback).toEqual([]);
    expect(offLoopbackRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

/** Starts the built gateway in local mode on a free port, with nothing from this environment but PORT. */
async function startGateway(): Promise<RunningGateway> {
  const main = runMain({ PORT: '0' });
  try {
    const { port, emulatorUrl } = await listening(main, 30_000);
    if (emulatorUrl === null) throw new Error(`the gateway is not in local mode:\n${main.stdout()}`);
    return {
      process: main.child,
      origin: `http://localhost:${port}`,
      emulatorUrl,
      output: () => `${main.stdout()}${main.stderr()}`,
    };
  } catch (error) {
    main.child.kill('SIGKILL');
    throw error;
  }
}

/** SIGTERM (graceful shutdown), SIGKILL after 5 s; resolves once the process is gone. */
function stopGateway(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A JSON POST without keep-alive, so no socket outlives the test. */
function postJson(url: string, body: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode !== undefined && res.statusCode < 300
            ? resolve()
            : reject(new Error(`POST ${url} answered ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
