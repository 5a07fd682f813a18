import {
  DEFAULT_QUOTA_COSTS,
  startGoogleEmulator,
  type EmulatorUser,
  type GoogleEmulator,
  type GoogleEmulatorOptions,
} from '../../../dev/google-emulator';
import { freshUser, GMAIL_READONLY, oauthClient, signIn } from './support';

/** The emulator's own per-user quota and concurrency accounting, as Gmail enforces them. */

const started: GoogleEmulator[] = [];
afterAll(() => Promise.all(started.map((e) => e.stop())));

/** A clock the test moves by hand, so windows end exactly when the test says. */
function manualClock(start = Date.parse('2026-06-01T12:00:00.000Z')) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

async function emulatorWith(options: GoogleEmulatorOptions) {
  const emulator = await startGoogleEmulator(options);
  started.push(emulator);
  return emulator;
}

/** A signed-in user of `emulator` and a raw Gmail client for them. */
async function gmailUser(emulator: GoogleEmulator, user: EmulatorUser = freshUser(emulator)) {
  const tokens = await signIn(oauthClient(emulator), { loginHint: user.email, scope: [GMAIL_READONLY] });
  const base = `${emulator.endpoints.apiRootUrl}gmail/v1/users/me/messages`;
  const call = async (path: string) => {
    const response = await fetch(`${base}${path}`, {
      headers: { authorization: `Bearer ${tokens.access_token!}` },
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
  };
  const firstId = emulator.messagesOf(user.email)[0]!.id;
  return {
    user,
    list: () => call('?maxResults=2'),
    get: (id = firstId) => call(`/${id}?format=minimal`),
  };
}

async function control(emulator: GoogleEmulator, method: string, path: string, body?: unknown) {
  const response = await fetch(`${emulator.url}/__emulator${path}`, {
    method,
    ...(body !== undefined
      ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
      : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('quota accounting', () => {
  it('counts units at Google’s published costs even when no limit is set', async () => {
    const emulator = await emulatorWith({});
    const alice = await gmailUser(emulator);
    expect(DEFAULT_QUOTA_COSTS).toEqual({
      'messages.list': 5,
      'messages.get': 5,
      'messages.attachments.get': 5,
      'threads.list': 10,
      'threads.get': 10,
      'labels.list': 1,
      'labels.get': 1,
    });
    expect((await alice.list()).status).toBe(200);
    expect((await alice.get()).status).toBe(200);
    // A 404 costs like a 200: Google charges the call, not the answer.
    expect((await alice.get('ffffffffffffffff')).status).toBe(404);
    expect(emulator.quotaSpent(alice.user.email)).toBe(15);
    expect(emulator.usage(alice.user.email)).toMatchObject({
      spentUnits: 15,
      totalUnits: 15,
      unitsPerMinute: null,
    });
  });

  it('refuses the call that would pass the minute with 403 "User-rate limit exceeded.  Retry after <end>", then serves again after the window', async () => {
    const clock = manualClock();
    const emulator = await emulatorWith({ now: clock.now, quota: { unitsPerMinute: 20 } });
    const alice = await gmailUser(emulator);
    const bob = await gmailUser(emulator);
    const windowOpened = clock.now();
    for (let i = 0; i < 4; i++) expect((await alice.list()).status).toBe(200);
    clock.advance(30_000);

    const refused = await alice.get();
    const message = `User-rate limit exceeded.  Retry after ${new Date(windowOpened + 60_000).toISOString()}`;
    expect(refused.status).toBe(403);
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(refused.body).toEqual({
      error: {
        code: 403,
        message,
        errors: [{ message, domain: 'usageLimits', reason: 'userRateLimitExceeded' }],
        status: 'PERMISSION_DENIED',
      },
    });
    // Refused calls are not charged; other users have their own budget.
    expect(emulator.quotaSpent(alice.user.email)).toBe(20);
    expect(emulator.usage(alice.user.email)).toMatchObject({
      spentUnits: 20,
      resetAt: new Date(windowOpened + 60_000),
      unitsPerMinute: 20,
    });
    expect((await bob.list()).status).toBe(200);

    clock.advance(29_999);
    expect((await alice.list()).status).toBe(403);
    clock.advance(1);
    expect((await alice.list()).status).toBe(200);
    expect(emulator.usage(alice.user.email)).toMatchObject({ spentUnits: 5, totalUnits: 25 });
    expect(emulator.count('messages.list', (r) => r.userId === alice.user.id && r.status === 403)).toBe(1);
  });

  it('takes costs and the window from its options, and can be changed or switched off at run time', async () => {
    const clock = manualClock();
    const emulator = await emulatorWith({
      now: clock.now,
      quota: { unitsPerMinute: 40, costs: { 'messages.get': 20 }, windowMs: 10_000 },
    });
    const alice = await gmailUser(emulator);
    expect((await alice.get()).status).toBe(200);
    expect((await alice.get()).status).toBe(200);
    expect((await alice.list()).status).toBe(403);
    clock.advance(10_000);
    expect((await alice.list()).status).toBe(200);
    expect(emulator.quotaSpent(alice.user.email)).toBe(45);

    emulator.setQuota({ unitsPerMinute: 5 });
    expect((await alice.list()).status).toBe(403);
    emulator.setQuota(null);
    expect((await alice.list()).status).toBe(200);
    emulator.resetUsage(alice.user.email);
    expect(emulator.usage(alice.user.email)).toMatchObject({ spentUnits: 0, totalUnits: 0, resetAt: null });
  });

  it('refuses settings it cannot apply', async () => {
    await expect(startGoogleEmulator({ quota: { unitsPerMinute: -1 } })).rejects.toThrow(/unitsPerMinute/);
    const emulator = await emulatorWith({});
    expect(() => emulator.setQuota({ costs: { 'messages.send': 100 } as never })).toThrow(/unknown method/);
    expect(() => emulator.setMaxConcurrentPerUser(0)).toThrow(/maxConcurrentPerUser/);
  });
});

describe('concurrency', () => {
  it('records the peak of Gmail calls in flight per user without a limit', async () => {
    const emulator = await emulatorWith({});
    const alice = await gmailUser(emulator);
    const bob = await gmailUser(emulator);
    emulator.setLatency('messages.get', { distribution: 'fixed', ms: 80 });
    await Promise.all([alice.get(), alice.get(), alice.get(), bob.get()]);
    expect(emulator.peakInFlight(alice.user.email)).toBe(3);
    expect(emulator.peakInFlight(bob.user.email)).toBe(1);
    expect(emulator.usage(alice.user.email).inFlight).toBe(0);
    emulator.resetUsage();
    expect(emulator.peakInFlight(alice.user.email)).toBe(0);
  });

  it('answers 429 "Too many concurrent requests for user" past maxConcurrentPerUser, per user', async () => {
    const emulator = await emulatorWith({ maxConcurrentPerUser: 2 });
    const alice = await gmailUser(emulator);
    const bob = await gmailUser(emulator);
    emulator.setLatency('messages.get', { distribution: 'fixed', ms: 80 });
    const answers = await Promise.all([alice.get(), alice.get(), alice.get(), alice.get(), bob.get()]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 429, 429]);
    const message = 'Too many concurrent requests for user';
    expect(answers.find((a) => a.status === 429)!.body).toEqual({
      error: {
        code: 429,
        message,
        errors: [{ message, domain: 'global', reason: 'rateLimitExceeded' }],
        status: 'RESOURCE_EXHAUSTED',
      },
    });
    // The peak counts what the client sent, refused calls included; refused calls cost no quota.
    expect(emulator.peakInFlight(alice.user.email)).toBe(4);
    expect(emulator.quotaSpent(alice.user.email)).toBe(10);
    expect((await alice.get()).status).toBe(200);

    emulator.setMaxConcurrentPerUser(undefined);
    const unlimited = await Promise.all([alice.get(), alice.get(), alice.get()]);
    expect(unlimited.map((a) => a.status)).toEqual([200, 200, 200]);
  });
});

describe('over the control API', () => {
  it('reads usage, sets the quota and the concurrency limit, and resets', async () => {
    const emulator = await emulatorWith({});
    const alice = await gmailUser(emulator);
    expect((await control(emulator, 'POST', '/quota', { unitsPerMinute: 5 })).status).toBe(200);
    expect((await alice.list()).status).toBe(200);
    expect((await alice.list()).status).toBe(403);

    const one = await control(emulator, 'GET', `/usage?email=${encodeURIComponent(alice.user.email)}`);
    expect(one.body).toMatchObject({
      email: alice.user.email,
      usage: { spentUnits: 5, totalUnits: 5, unitsPerMinute: 5, inFlight: 0, peakInFlight: 1 },
    });
    const all = await control(emulator, 'GET', '/usage');
    expect(all.body['users']).toEqual(
      expect.arrayContaining([expect.objectContaining({ email: alice.user.email, id: alice.user.id })]),
    );

    expect((await control(emulator, 'DELETE', '/usage')).status).toBe(200);
    expect((await alice.list()).status).toBe(200);
    expect((await control(emulator, 'POST', '/quota', { quota: null })).status).toBe(200);
    expect(emulator.usage(alice.user.email).unitsPerMinute).toBeNull();

    expect((await control(emulator, 'POST', '/concurrency', { maxConcurrentPerUser: 1 })).status).toBe(200);
    emulator.setLatency('messages.get', { distribution: 'fixed', ms: 60 });
    const statuses = (await Promise.all([alice.get(), alice.get()])).map((a) => a.status).sort();
    expect(statuses).toEqual([200, 429]);
    expect((await control(emulator, 'POST', '/concurrency', {})).status).toBe(200);
    expect((await Promise.all([alice.get(), alice.get()])).map((a) => a.status)).toEqual([200, 200]);
    expect((await control(emulator, 'POST', '/concurrency', { maxConcurrentPerUser: 0 })).status).toBe(400);
  });

  it('arms Google’s faults by kind, disables Gmail for a user, and rotates a client secret', async () => {
    const emulator = await emulatorWith({});
    const alice = await gmailUser(emulator);
    const retryAt = '2026-03-07T18:03:15.961Z';
    const armed = await control(emulator, 'POST', '/faults', {
      endpoint: 'messages.list',
      kind: 'userRateLimitExceeded429',
      retryAt,
    });
    expect(armed.status).toBe(200);
    expect(await alice.list()).toMatchObject({
      status: 429,
      body: {
        error: { message: `User-rate limit exceeded.  Retry after ${retryAt}`, status: 'RESOURCE_EXHAUSTED' },
      },
    });
    expect(
      (await control(emulator, 'POST', '/faults', { endpoint: 'messages.list', kind: 'nope' })).status,
    ).toBe(400);
    await control(emulator, 'POST', '/faults', {
      endpoint: 'messages.get',
      kind: 'stall',
      stallMs: 50,
      status: 503,
    });
    expect((await alice.get()).status).toBe(503);

    await control(emulator, 'POST', '/gmail-enabled', { email: alice.user.email, enabled: false });
    expect(await alice.list()).toMatchObject({
      status: 400,
      body: { error: { message: 'Mail service not enabled' } },
    });
    await control(emulator, 'POST', '/gmail-enabled', { email: alice.user.email, enabled: 'true' });
    expect((await alice.list()).status).toBe(200);
    const created = await control(emulator, 'POST', '/users', {
      email: 'gmail-less@example.com',
      gmailEnabled: false,
    });
    expect(created.status).toBe(200);
    const gmailLess = await gmailUser(
      emulator,
      emulator.users.find((u) => u.email === 'gmail-less@example.com')!,
    );
    expect((await gmailLess.list()).status).toBe(400);

    const { clientId, clientSecret } = emulator.defaultClient;
    await control(emulator, 'POST', '/client-secret', { clientId, clientSecret: 'new-secret' });
    expect(emulator.defaultClient.clientSecret).toBe('new-secret');
    await control(emulator, 'POST', '/client-secret', { clientId, clientSecret });
    expect(emulator.defaultClient.clientSecret).toBe(clientSecret);
    expect(
      (await control(emulator, 'POST', '/client-secret', { clientId: 'nobody', clientSecret: 'x' })).status,
    ).toBe(400);
  });
});
