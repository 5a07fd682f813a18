import { startGoogleEmulator, type GoogleEmulator } from '../../../dev/google-emulator';

let emulator: GoogleEmulator;

beforeAll(async () => {
  emulator = await startGoogleEmulator();
});
afterAll(() => emulator.stop());
beforeEach(() => emulator.clearFaults());

// A fault answers before the endpoint looks at credentials, so no token is needed to take one.
const userinfo = () => fetch(`${emulator.url}/oauth2/v2/userinfo`);

describe('unservedFaults', () => {
  it('names an armed fault until a request of its endpoint takes it', async () => {
    emulator.injectFault('userinfo', { status: 503 });
    emulator.injectFault('messages.get', { status: 500, messageId: 'm-1', times: 2 });
    expect(emulator.unservedFaults()).toEqual([
      { endpoint: 'userinfo', fault: { status: 503 } },
      { endpoint: 'messages.get', fault: { status: 500, messageId: 'm-1', times: 2 } },
    ]);
    expect((await userinfo()).status).toBe(503);
    expect(emulator.unservedFaults()).toEqual([
      { endpoint: 'messages.get', fault: { status: 500, messageId: 'm-1', times: 2 } },
    ]);
  });

  it('counts a fault as served once it answered one request, even with times left (Infinity included)', async () => {
    emulator.injectFault('userinfo', { status: 503, times: Infinity });
    expect((await userinfo()).status).toBe(503);
    expect(emulator.unservedFaults()).toEqual([]);
  });

  it('keeps a served-out fault as served', async () => {
    emulator.injectFault('userinfo', { status: 500 });
    expect((await userinfo()).status).toBe(500);
    expect((await userinfo()).status).toBe(401);
    expect(emulator.unservedFaults()).toEqual([]);
  });

  it('forgets armed faults on clearFaults', () => {
    emulator.injectFault('token', { status: 500 });
    emulator.clearFaults();
    expect(emulator.unservedFaults()).toEqual([]);
  });
});
