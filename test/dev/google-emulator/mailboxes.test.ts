import { startGoogleEmulator, type GoogleEmulator } from '../../../dev/google-emulator';

const started: GoogleEmulator[] = [];
async function emulatorWith(
  options: Parameters<typeof startGoogleEmulator>[0] = {},
): Promise<GoogleEmulator> {
  const emulator = await startGoogleEmulator(options);
  started.push(emulator);
  return emulator;
}
afterAll(() => Promise.all(started.map((emulator) => emulator.stop())));

describe('generated mailboxes', () => {
  it('always has the demo user with 300 messages in the default view and 20 in SPAM or TRASH', async () => {
    const emulator = await emulatorWith();
    expect(emulator.demoUser).toEqual({
      id: '108234567890123456789',
      email: 'demo@example.com',
      name: 'Demo User',
    });
    const visible = emulator.messagesOf('demo@example.com');
    const all = emulator.messagesOf('demo@example.com', { includeSpamTrash: true });
    expect(visible).toHaveLength(300);
    expect(all).toHaveLength(320);
    expect(all.filter((m) => m.labelIds.includes('SPAM') || m.labelIds.includes('TRASH'))).toHaveLength(20);
  });

  it('is newest first, with unique ids, threads of up to 4 messages and varied labels', async () => {
    const all = (await emulatorWith()).messagesOf('demo@example.com', { includeSpamTrash: true });
    const times = all.map((m) => m.date.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(times[0]! - times[times.length - 1]!).toBeGreaterThan(90 * 24 * 3600 * 1000);
    expect(new Set(all.map((m) => m.id)).size).toBe(320);
    const threadSizes = new Map<string, number>();
    for (const m of all) threadSizes.set(m.threadId, (threadSizes.get(m.threadId) ?? 0) + 1);
    expect(Math.max(...threadSizes.values())).toBeLessThanOrEqual(4);
    expect([...threadSizes.values()].filter((n) => n > 1).length).toBeGreaterThan(10);
    const labels = new Set(all.flatMap((m) => m.labelIds));
    for (const label of [
      'INBOX',
      'UNREAD',
      'STARRED',
      'IMPORTANT',
      'SENT',
      'CATEGORY_PROMOTIONS',
      'Label_1',
      'Label_2',
    ]) {
      expect(labels).toContain(label);
    }
    expect(new Set(all.map((m) => m.from)).size).toBeGreaterThan(20);
  });

  it('gives every user a 21-digit id and 40 messages by default', async () => {
    const emulator = await emulatorWith({ users: [{ email: 'ada.lovelace@example.com' }] });
    const ada = emulator.users.find((u) => u.email === 'ada.lovelace@example.com')!;
    expect(ada).toEqual({
      id: expect.stringMatching(/^\d{21}$/),
      email: 'ada.lovelace@example.com',
      name: 'Ada Lovelace',
    });
    expect(emulator.messagesOf(ada.id)).toHaveLength(40);
  });

  it('depends only on the address and the seed, not on the order users were added in', async () => {
    const a = await emulatorWith({ users: [{ email: 'one@example.com' }, { email: 'two@example.com' }] });
    const b = await emulatorWith({ users: [{ email: 'two@example.com' }] });
    b.addUser({ email: 'one@example.com' });
    expect(b.messagesOf('one@example.com')).toEqual(a.messagesOf('one@example.com'));
    expect(b.users.find((u) => u.email === 'one@example.com')).toEqual(
      a.users.find((u) => u.email === 'one@example.com'),
    );
    expect(b.messagesOf('demo@example.com')).toEqual(a.messagesOf('demo@example.com'));
  });

  it('changes with the seed', async () => {
    const a = await emulatorWith({ seed: 1 });
    const b = await emulatorWith({ seed: 2 });
    expect(a.messagesOf('demo@example.com')).toHaveLength(300);
    expect(b.messagesOf('demo@example.com')[0]!.id).not.toBe(a.messagesOf('demo@example.com')[0]!.id);
  });

  it('returns the existing user when an address is added twice, whatever its case', async () => {
    const emulator = await emulatorWith();
    const first = emulator.addUser({ email: 'twice@example.com' });
    expect(emulator.addUser({ email: 'Twice@Example.com', messages: 3 })).toEqual(first);
    expect(emulator.messagesOf('twice@example.com')).toHaveLength(40);
  });
});
