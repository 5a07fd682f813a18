import { parseArgs } from 'node:util';
import { start } from './mongo-server';

/**
 * Runs the in-memory server as its own process: `node dist/dev/mongo-server/main.js --port 27017`.
 * Prints the URI on stdout (and nothing else there, so scripts can read it) and stops cleanly on SIGINT/SIGTERM.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '27017' },
      host: { type: 'string', default: '127.0.0.1' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}`);
  const server = await start({ port, host: values.host });
  console.log(server.uri);
  const shutdown = (signal: NodeJS.Signals) => {
    console.error(`mongo-server: ${signal}, stopping`);
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error('mongo-server:', error instanceof Error ? error.message : error);
  process.exit(1);
});
