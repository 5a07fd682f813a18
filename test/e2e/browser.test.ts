import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
/** resultSizeEstimate of the demo mailbox's Inbox before its last page. */
const INBOX_ESTIMATE = 230;
const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

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
  /** The same operations with their variables. */
  const sent: { operationName: string; variables: Record<string, unknown> }[] = [];
  /**
   * Images the browser asked for outside loopback (remote images in mail): answered here with a 1×1 PNG, so
   * nothing leaves the machine, and recorded, so a test can tell whether the page asked for them at all.
   */
  const remoteImages: string[] = [];
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
        // Keeps the sandboxed mail frame in the page's process, where the route below sees its requests; an
        // isolated one's requests can bypass it.
        '--disable-features=IsolateSandboxedIframes',
        // Whatever bypasses the route still cannot resolve a name off this machine.
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
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
      if (route.request().resourceType() === 'image') {
        remoteImages.push(route.request().url());
        return route.fulfill({ status: 200, contentType: 'image/png', body: PNG_1X1 });
      }
      offLoopback.push(route.request().url());
      return route.abort('blockedbyclient');
    });
    context.on('request', (req) => {
      const { protocol, hostname } = new URL(req.url());
      const loopback = hostname === 'localhost' || hostname === '127.0.0.1';
      const image = req.resourceType() === 'image';
      if (!loopback && !image && protocol !== 'data:' && protocol !== 'blob:')
        offLoopbackRequests.push(req.url());
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (req) => {
      if (req.method() === 'POST' && new URL(req.url()).pathname === '/graphql') {
        const body = req.postDataJSON() as {
          operationName?: string;
          variables?: Record<string, unknown>;
        } | null;
        operations.push(body?.operationName ?? '(anonymous)');
        sent.push({ operationName: body?.operationName ?? '(anonymous)', variables: body?.variables ?? {} });
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
    // The start page is the Inbox. Gmail's estimate (the emulator's too) is high before the last page: 230 for
    // the demo Inbox.
    expect(await page.getByTestId('message-count').textContent()).toBe(
      `Showing 20 of about ${INBOX_ESTIMATE}`,
    );
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
    expect(await page.getByTestId('message-count').textContent()).toBe(
      `Showing 40 of about ${INBOX_ESTIMATE}`,
    );
  });

  step('a search shows only the matching messages', async () => {
    const subject = (await items().first().getByTestId('message-subject').textContent()) ?? '';
    const word = subject.split(/[^A-Za-z]+/).find((w) => w.length >= 5);
    if (word === undefined) throw new Error(`no word to search for in the subject "${subject}"`);
    await page.getByTestId('search-input').fill(`subject:${word}`);
    await page.getByTestId('search-button').click();
    // The Inbox's estimate is 230; the search's own count (over all mail) replaces it once its first page is in.
    await page
      .getByTestId('message-count')
      .filter({ hasText: /^(Showing \d+ of about (?!230$)\d+|No messages match\.)$/ })
      .waitFor();
    const subjects = await page.getByTestId('message-subject').allTextContents();
    expect(subjects.length).toBeGreaterThan(0);
    expect(subjects.length).toBeLessThanOrEqual(20);
    for (const s of subjects) expect(s.toLowerCase()).toContain(word.toLowerCase());
    if (subjects.length < 20) expect(await page.getByTestId('load-more-button').isVisible()).toBe(false);
  });

  const openMessage = async (subject: string | RegExp) => {
    const link = page.getByTestId('message-link').filter({ hasText: subject }).first();
    const id = await page
      .getByTestId('message-item')
      .filter({ has: link })
      .first()
      .getAttribute('data-message-id');
    await link.click();
    await page.waitForURL(`${gateway!.origin}/message/${id}`);
    await page.getByTestId('message-view').and(page.locator('[aria-busy="false"]')).waitFor();
    return id ?? '';
  };
  const openLabel = async (name: string) => {
    await page.getByTestId('label-link').filter({ hasText: name }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await page.getByTestId('message-list').and(page.locator('[aria-busy="false"]')).waitFor();
  };
  const bodyFrame = () => page.frameLocator('[data-testid="message-body-frame"]');

  step(
    'the label sidebar shows Inbox, Starred, Sent and the user labels with unread counts, and filters the list',
    async () => {
      await openLabel('Inbox');
      expect(page.url()).toBe(`${gateway!.origin}/`);
      const names = await page.getByTestId('label-link').locator('.label-name').allTextContents();
      expect(names.slice(0, 3)).toEqual(['Inbox', 'Starred', 'Sent']);
      expect(names).toEqual(expect.arrayContaining(['Receipts', 'Travel', 'Projects', 'Suspicious']));
      const inboxUnread = page.locator('[data-label-id="INBOX"] [data-testid="label-unread"]');
      expect(Number(await inboxUnread.textContent())).toBeGreaterThan(0);

      await openLabel('Receipts');
      expect(page.url()).toBe(`${gateway!.origin}/label/Label_1`);
      expect(sent.filter((op) => op.operationName === 'MessagesPage').at(-1)?.variables).toMatchObject({
        labelIds: ['Label_1'],
      });
      expect(await page.locator('[data-label-id="Label_1"]').getAttribute('aria-current')).toBe('page');

      await openLabel('Starred');
      await items().first().waitFor();
      const rows = await items().count();
      expect(await page.getByTestId('star-marker').count()).toBe(rows);

      // Unread rows are bold, read ones are not.
      await openLabel('Inbox');
      const weight = (unread: boolean) =>
        page
          .locator(`[data-testid="message-item"][data-unread="${unread}"] [data-testid="message-link"]`)
          .first()
          .evaluate(
            (node) =>
              // Runs in the page (this file is compiled without the DOM lib).
              (
                globalThis as unknown as { getComputedStyle(n: unknown): { fontWeight: string } }
              ).getComputedStyle(node).fontWeight,
          )
          .then(Number);
      expect(await weight(true)).toBeGreaterThanOrEqual(700);
      expect(await weight(false)).toBeLessThan(600);

      // Back returns to the previous label.
      await page.goBack();
      await page.getByRole('heading', { level: 1, name: 'Starred' }).waitFor();
      expect(page.url()).toBe(`${gateway!.origin}/label/STARRED`);
    },
  );

  step('opening a message shows its headers and sanitized body in a sandboxed frame', async () => {
    await openLabel('Projects');
    const subject = (await items().first().getByTestId('message-subject').textContent()) ?? '';
    await openMessage(subject);
    expect(await page.getByTestId('message-title').textContent()).toBe(subject);
    expect(await page.getByTestId('message-headers').textContent()).toMatch(/From.*@.*To/);
    const frame = page.getByTestId('message-body-frame');
    const sandbox = (await frame.getAttribute('sandbox')) ?? '';
    expect(sandbox.split(/\s+/)).not.toContain('allow-scripts');
    expect(sandbox.split(/\s+/)).not.toContain('allow-same-origin');
    expect(((await bodyFrame().locator('body').textContent()) ?? '').trim()).not.toBe('');
    // Back returns to the list.
    await page.getByTestId('back-link').click();
    await page.getByRole('heading', { level: 1, name: 'Projects' }).waitFor();
  });

  step('a thread of several messages shows the whole conversation', async () => {
    await openLabel('Inbox');
    // A reply's subject starts with "Re:"; its conversation holds the message it answers.
    const replies = page.getByTestId('message-link').filter({ hasText: /^Re: / });
    for (let pages = 1; (await replies.count()) === 0 && pages < 6; pages++) {
      await page.getByTestId('load-more-button').click();
      await waitForItemCount(20 * (pages + 1));
    }
    await openMessage(/^Re: /);
    const thread = page.getByTestId('thread-view');
    await thread.getByTestId('message-item').nth(1).waitFor();
    const count = Number(
      /(\d+) messages/.exec((await page.getByTestId('thread-title').textContent()) ?? '')?.[1],
    );
    expect(count).toBeGreaterThanOrEqual(2);
    expect(await thread.getByTestId('message-item').count()).toBe(count);
    expect(await thread.locator('[data-testid="message-item"][aria-current="true"]').count()).toBe(1);
  });

  step('a script inside an e-mail does not run', async () => {
    await openLabel('Suspicious');
    for (const attack of ['script tags', 'event handlers', 'SVG with script']) {
      await openMessage(`Hostile HTML: ${attack}`);
      await bodyFrame().locator('body').waitFor();
      expect(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined();
      const frame = page.frames().find((f) => f !== page.mainFrame());
      if (frame === undefined) throw new Error('no message frame');
      expect(await frame.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined();
      expect(await bodyFrame().locator('script').count()).toBe(0);
      await page.goBack();
      await page.getByRole('heading', { level: 1, name: 'Suspicious' }).waitFor();
    }
  });

  step('remote images stay blocked until the reader asks for them', async () => {
    await page.getByTestId('search-input').fill('subject:autumn');
    await page.getByTestId('search-button').click();
    await page.waitForURL(`${gateway!.origin}/search?q=subject%3Aautumn`);
    await openMessage(/Autumn collection/);
    await page.getByTestId('remote-images-notice').waitFor();
    // Every message opened so far, this one included, loaded no remote image.
    expect(remoteImages).toEqual([]);
    expect(await bodyFrame().locator('img[src^="http"]').count()).toBe(0);
    // The README's picture of the message view (examples/web/screenshot-message.png) is this one.
    await screenshot('message view with remote images blocked');
    const banner = page.waitForRequest((req) => req.url().startsWith('https://cdn.trailhead.example/'));
    await page.getByTestId('show-remote-images').click();
    await page.locator('[data-testid="message-body-frame"][data-remote-images="true"]').waitFor();
    await bodyFrame().locator('img[src^="https://cdn.trailhead.example/"]').first().waitFor();
    await banner;
    expect(remoteImages.some((url) => url.startsWith('https://cdn.trailhead.example/'))).toBe(true);
    expect(await page.getByTestId('remote-images-notice').count()).toBe(0);
  });

  step('an attachment downloads with the right bytes', async () => {
    // Receipts carry a PDF (fetched from Gmail with messages.attachments.get); the newest message is plain.
    await openLabel('Receipts');
    const link = page
      .getByTestId('attachment-link')
      .filter({ hasText: /\.pdf$/ })
      .first();
    let subject = '';
    for (let i = 0; i < (await items().count()); i++) {
      subject = (await items().nth(i).getByTestId('message-subject').textContent()) ?? '';
      await openMessage(subject);
      if ((await link.count()) > 0) break;
      await page.goBack();
      await page.getByRole('heading', { level: 1, name: 'Receipts' }).waitFor();
    }
    const filename = (await link.textContent()) ?? '';
    const href = (await link.getAttribute('href')) ?? '';
    expect(href).toMatch(/^\/attachments\//);
    // The size Gmail reports for the attachment, exact (the page shows it rounded).
    const size = Number(await link.getAttribute('data-size'));
    expect(size).toBeGreaterThan(0);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(filename);
    const path = await download.path();
    const bytes = readFileSync(path);
    expect(bytes.length).toBe(size);
    expect(bytes.subarray(0, 9).toString('latin1')).toBe('%PDF-1.4\n');
    expect(bytes.toString('latin1')).toContain(`% ${subject}\n`);
  });

  step('a deep link to a message opens it after a reload', async () => {
    const url = page.url();
    expect(url).toMatch(/\/message\/[^/]+$/);
    const subject = await page.getByTestId('message-title').textContent();
    // Typed into the address bar (no history entry of the app's own), then reloaded.
    await page.goto('about:blank');
    await page.goto(url);
    await page.getByTestId('message-view').and(page.locator('[aria-busy="false"]')).waitFor();
    await page.reload();
    await page.getByTestId('message-view').and(page.locator('[aria-busy="false"]')).waitFor();
    expect(page.url()).toBe(url);
    expect(await page.getByTestId('message-title').textContent()).toBe(subject);
    // Back from a deep link leads to the Inbox.
    await page.getByTestId('back-link').click();
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
  });

  step("a RATE_LIMITED list offers Try again, counting down Gmail's retryAfterSeconds", async () => {
    await postJson(`${gateway!.emulatorUrl}/__emulator/faults`, {
      endpoint: 'messages.list',
      kind: 'userRateLimitExceeded',
      // Past the gateway's own retry budget, so it answers RATE_LIMITED instead of waiting.
      retryAt: Date.now() + 10_000,
      times: 1,
    });
    await page.getByTestId('refresh-button').click();
    const tryAgain = page.getByTestId('try-again-button');
    await tryAgain.waitFor();
    expect(await tryAgain.isDisabled()).toBe(true);
    expect(await tryAgain.textContent()).toMatch(/^Try again in (9|10) s$/);
    await page.getByTestId('try-again-button').and(page.locator(':enabled')).waitFor({ timeout: 15_000 });
    expect(await tryAgain.textContent()).toBe('Try again');
    const listsBefore = operations.filter((name) => name === 'MessagesPage').length;
    await tryAgain.click();
    await page.locator('[data-testid="mailbox-error"]:empty').waitFor({ state: 'attached' });
    expect(operations.filter((name) => name === 'MessagesPage').length).toBe(listsBefore + 1);
    await waitForItemCount(20);
  });

  step('on a narrow screen senders show by name only and the labels sit above the list', async () => {
    await page.setViewportSize({ width: 400, height: 800 });
    try {
      const first = items().first();
      expect(await first.locator('.sender-name').isVisible()).toBe(true);
      expect(await first.locator('.sender-address').isVisible()).toBe(false);
      const sidebar = await page.getByTestId('label-sidebar').boundingBox();
      const list = await page.getByTestId('message-list').boundingBox();
      expect(sidebar!.y + sidebar!.height).toBeLessThanOrEqual(list!.y);
      await screenshot('narrow screen');
    } finally {
      await page.setViewportSize({ width: 1000, height: 800 });
    }
    expect(await items().first().locator('.sender-address').isVisible()).toBe(true);
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
    expect(await page.getByTestId('message-count').textContent()).toBe(
      `Showing 20 of about ${INBOX_ESTIMATE}`,
    );
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
        'Labels',
        'MessageView',
        'ThreadView',
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
    // The only remote images were the ones the reader asked for.
    expect(remoteImages.every((url) => new URL(url).hostname.endsWith('trailhead.example'))).toBe(true);
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
