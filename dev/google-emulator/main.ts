import { parseArgs } from 'node:util';
import { startGoogleEmulator } from './google-emulator';

/**
 * Runs the emulator as its own process:
 *   node dist/dev/google-emulator/main.js --port 4010 [--consent page] [--user ada@example.com:120] [--seed 7]
 *     [--quota 6000] [--max-concurrent 10]
 * Prints its URL, endpoints and default client; stops on SIGINT/SIGTERM.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      consent: { type: 'string', default: 'page' },
      seed: { type: 'string' },
      user: { type: 'string', multiple: true, default: [] },
      quota: { type: 'string' },
      'max-concurrent': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(
      'usage: main.js [--port 4010] [--host 127.0.0.1] [--consent page|auto] [--seed N] [--user email[:messages]]...' +
        ' [--quota unitsPerMinute] [--max-concurrent callsPerUser]',
    );
    return;
  }
  const consentMode = values.consent;
  if (consentMode !== 'page' && consentMode !== 'auto') throw new Error('--consent must be page or auto');
  const users = values.user.map((spec) => {
    const [email = '', messages] = spec.split(':');
    return messages === undefined ? { email } : { email, messages: Number(messages) };
  });
  const emulator = await startGoogleEmulator({
    port: Number(values.port),
    host: values.host,
    consentMode,
    users,
    ...(values.seed !== undefined ? { seed: Number(values.seed) } : {}),
    ...(values.quota !== undefined ? { quota: { unitsPerMinute: Number(values.quota) } } : {}),
    ...(values['max-concurrent'] !== undefined
      ? { maxConcurrentPerUser: Number(values['max-concurrent']) }
      : {}),
  });
  const client = emulator.defaultClient;
  console.log(`Google emulator listening on ${emulator.url} (consent: ${consentMode})`);
  for (const [name, url] of Object.entries(emulator.endpoints)) console.log(`  ${name.padEnd(13)} ${url}`);
  console.log(`  client_id     ${client.clientId}`);
  console.log(`  client_secret ${client.clientSecret}`);
  console.log(`  redirect_uri  ${client.redirectUris.join(' ')}`);
  console.log(`  accounts      ${emulator.users.map((u) => u.email).join(', ')}`);
  console.log(`  controls      ${emulator.url}/__emulator`);
  const stop = (signal: string) => {
    console.log(`${signal}: stopping the Google emulator`);
    void emulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
