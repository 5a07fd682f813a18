import { startGoogleEmulator, type GoogleEmulator } from '../dev/google-emulator';
import { Harness } from './support/harness';
import {
  assertFaultsServed,
  assertWatchedFaultsServed,
  unwatchFaults,
  watchFaults,
} from './support/served-faults';

describe('the served-faults check of the test run', () => {
  let emulator: GoogleEmulator;
  beforeAll(async () => {
    emulator = await startGoogleEmulator();
  });
  afterAll(() => emulator.stop());

  it('fails with the unserved faults named, and clears them so the next test starts clean', () => {
    emulator.injectFault('messages.get', { status: 500, messageId: 'm-1', times: 3 });
    emulator.injectFault('token', { status: 400, reason: 'invalid_grant' });
    expect(() => assertFaultsServed(emulator)).toThrow(
      '2 armed fault(s) never served: messages.get (status 500, messageId m-1, times 3); ' +
        'token (status 400, reason invalid_grant, times 1).',
    );
    expect(emulator.unservedFaults()).toEqual([]);
  });

  it('passes once every armed fault answered a request', async () => {
    emulator.injectFault('userinfo', { status: 503, times: Infinity });
    expect((await fetch(`${emulator.url}/oauth2/v2/userinfo`)).status).toBe(503);
    expect(() => assertFaultsServed(emulator)).not.toThrow();
    emulator.clearFaults();
  });

  it('checks every watched emulator after each test', () => {
    watchFaults(emulator);
    try {
      emulator.injectFault('revoke', { status: 503 });
      expect(() => assertWatchedFaultsServed()).toThrow('revoke (status 503, times 1)');
    } finally {
      unwatchFaults(emulator);
    }
  });

  it('makes Harness.stop() fail when a fault armed on its emulator was never hit', async () => {
    const h = await Harness.start();
    h.emulator.injectFault('messages.list', { status: 429 });
    await expect(h.stop()).rejects.toThrow('messages.list (status 429, times 1)');
  });
});
