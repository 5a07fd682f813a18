import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStandIns } from '../../../dev/local-mode';

describe('local mode’s Google emulator', () => {
  it('runs with Google’s real budget: 6000 units per user per minute and 10 Gmail calls at once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'local-mode-'));
    const standIns = await startLocalStandIns({
      google: true,
      mongodb: false,
      redirectUris: ['http://127.0.0.1:4000/callback'],
      dataDir,
    });
    try {
      const google = standIns.google!;
      const response = await fetch(
        `${google.url}/__emulator/usage?email=${encodeURIComponent(google.demoEmail)}`,
      );
      expect(await response.json()).toMatchObject({
        email: google.demoEmail,
        usage: { unitsPerMinute: 6000, maxConcurrentPerUser: 10, spentUnits: 0 },
      });
    } finally {
      await standIns.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
