import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { OperatorFaultLog } from '../../src/upstream/operator-faults';

function logInto(lines: Array<Record<string, unknown>>) {
  return createLogger(
    'debug',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    }),
  );
}

describe('OperatorFaultLog', () => {
  it('logs a fault at error level once a minute, counting the repeats into the next line', () => {
    const lines: Array<Record<string, unknown>> = [];
    let now = 1_000_000;
    const log = new OperatorFaultLog({ logger: logInto(lines), now: () => now });

    for (let i = 0; i < 20; i++) log.report('invalid_client');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'error',
        operatorFault: 'invalid_client',
        msg: 'the token endpoint rejected the OAuth client (invalid_client): check GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET',
      }),
    ]);
    expect(lines[0]).not.toHaveProperty('repeatsSinceLastLine');

    now += 59_999;
    log.report('invalid_client');
    expect(lines).toHaveLength(1);
    now += 1;
    log.report('invalid_client');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ operatorFault: 'invalid_client', repeatsSinceLastLine: 20 });
  });

  it('keeps each fault to its own line', () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = new OperatorFaultLog({ logger: logInto(lines), now: () => 0 });
    log.report('deleted_client');
    log.report('accessNotConfigured', 'gmail.googleapis.com');
    log.report('deleted_client');
    expect(lines.map((l) => [l.operatorFault, l.msg])).toEqual([
      [
        'deleted_client',
        'the OAuth client was deleted (deleted_client): restore it in the Google Cloud console, or configure another GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET',
      ],
      [
        'accessNotConfigured',
        'Gmail API is not enabled in the Cloud project (accessNotConfigured): enable gmail.googleapis.com',
      ],
    ]);
  });
});
