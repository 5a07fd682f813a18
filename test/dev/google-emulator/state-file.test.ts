import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGoogleEmulator, type GoogleEmulator } from '../../../dev/google-emulator';
import { failure, freshUser, gmail, oauthClient, signIn } from './support';

describe('google emulator: state file', () => {
  let dir: string;
  let stateFile: string;
  const running: GoogleEmulator[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'emulator-state-'));
    stateFile = join(dir, 'google-emulator.json');
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((emulator) => emulator.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<GoogleEmulator> {
    const emulator = await startGoogleEmulator({ stateFile });
    running.push(emulator);
    return emulator;
  }

  async function restart(emulator: GoogleEmulator): Promise<GoogleEmulator> {
    await emulator.stop();
    return start();
  }

  it('keeps refresh and access tokens, and added users, across a restart', async () => {
    const first = await start();
    const user = freshUser(first, 7);
    const tokens = await signIn(oauthClient(first), { loginHint: user.email });
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const second = await restart(first);
    expect(second.users.map((u) => u.email)).toContain(user.email);

    // The access token still opens the mailbox, without any refresh.
    const withAccess = oauthClient(second);
    withAccess.setCredentials({ access_token: tokens.access_token! });
    const list = await gmail(second, withAccess).users.messages.list({ userId: 'me' });
    expect(list.data.messages).toHaveLength(7);
    expect(second.count('token')).toBe(0);

    // The refresh token still refreshes.
    second.expireAccessTokens(user.email);
    const withRefresh = oauthClient(second);
    withRefresh.setCredentials({ refresh_token: tokens.refresh_token! });
    const fresh = await withRefresh.getAccessToken();
    expect(fresh.token).toEqual(expect.any(String));
    expect(second.count('token', (r) => r.grantType === 'refresh_token' && r.status === 200)).toBe(1);
  });

  it('remembers a revocation made after a restart: the next restart answers invalid_grant to its refresh token', async () => {
    const first = await start();
    const user = freshUser(first);
    const tokens = await signIn(oauthClient(first), { loginHint: user.email });
    const second = await restart(first);
    const before = oauthClient(second);
    before.setCredentials({ refresh_token: tokens.refresh_token! });
    expect((await before.getAccessToken()).token).toEqual(expect.any(String));
    second.revokeGrant(user.email);

    const third = await restart(second);
    const client = oauthClient(third);
    client.setCredentials({ refresh_token: tokens.refresh_token! });
    const refused = await failure(client.getAccessToken());
    expect(refused.status).toBe(400);
    expect(refused.data).toMatchObject({ error: 'invalid_grant' });
  });

  it('writes the file with mode 0600 and leaves no temporary file behind', async () => {
    const emulator = await start();
    await signIn(oauthClient(emulator), { loginHint: freshUser(emulator).email });

    expect(readdirSync(dir)).toEqual(['google-emulator.json']);
    if (process.platform !== 'win32') expect(statSync(stateFile).mode & 0o777).toBe(0o600);
  });
});
