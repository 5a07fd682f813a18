// First: stops with one line on a Node too old for what the later imports load.
import './node-version';
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { LocalStandIns } from '../dev/local-mode';
import { systemClock } from './clock';
import { ConfigError, loadConfig, type GatewayConfig } from './config';
import { redirectPagesTo } from './http/canonical-origin';
import { createLogger, type Logger } from './logger';
import { Metrics } from './metrics';
import { connectMongoDB } from './mongodb';
import { resolveRuntimeConfig } from './runtime-config';
import { createGateway } from './server';

/**
 * Process entry, and the composition root of a real process: read the configuration, start local stand-ins
 * when Google or MongoDB is not configured, wire the gateway, listen, and shut down gracefully on
 * SIGTERM/SIGINT (in-flight requests complete first).
 */
async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee README.md, "Configuration".\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);

  // Listen first: local mode needs the real port for its redirect URI. Until the gateway is wired, requests
  // get a 503 rather than hanging.
  const starting: RequestListener = (_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"starting"}');
  };
  const httpServer = createServer(starting);
  await listen(httpServer, config.port);
  const port = (httpServer.address() as AddressInfo).port;
  const origin = `http://localhost:${port}`;

  const needsGoogle = config.google === null;
  const needsMongo = config.mongodbUri === null;
  const needsKeys = config.tokenEncryptionKeys === null;
  // With the emulated Google, the example web client (when built) is served at / and its callback page is the
  // redirect URI, unless GOOGLE_REDIRECT_URI names a frontend of one's own; without either, the emulator's own
  // callback page (which shows code and state) is.
  const webRoot = needsGoogle ? exampleWebRoot() : undefined;
  // Only local mode loads dev/: production never reaches this import (a missing variable stops it in loadConfig).
  const local =
    needsGoogle || needsMongo || needsKeys
      ? await (
          await import('../dev/local-mode.js')
        ).startLocalStandIns({
          google: needsGoogle,
          mongodb: needsMongo,
          encryptionKeys: needsKeys,
          redirectUris: [
            ...(config.local.redirectUri !== null ? [config.local.redirectUri] : []),
            ...(webRoot ? [`${origin}/callback`, `http://127.0.0.1:${port}/callback`] : []),
          ],
          googlePort: config.local.googlePort,
          dataDir: config.local.dataDir,
          gatewayUrl: `${origin}/graphql`,
        })
      : undefined;
  if (local !== undefined) {
    logger.info({ dataDir: local.dataDir }, 'local mode keeps its data across restarts in this folder');
  }
  if (needsKeys) {
    logger.warn(
      'TOKEN_ENCRYPTION_KEYS is not set: using the key generated in the local data folder (never in production)',
    );
  }
  const runtime = resolveRuntimeConfig(config, {
    ...(local?.google ? { google: local.google } : {}),
    ...(local?.mongodbUri ? { mongodbUri: local.mongodbUri } : {}),
    ...(local?.encryptionKeys ? { encryptionKeys: local.encryptionKeys } : {}),
    // CORS_ORIGINS, when set, replaces these (resolveRuntimeConfig): a frontend of one's own lists its origin.
    corsOrigins: [origin, `http://127.0.0.1:${port}`],
  });

  const mongoClient = await connectMongoDB(runtime.mongodbUri);
  const gateway = await createGateway({
    config: runtime,
    db: mongoClient.db(runtime.mongodbDb),
    logger,
    clock: systemClock,
    httpServer,
    metrics: new Metrics(),
    ...(webRoot ? { webRoot } : {}),
  });
  // The example client signs in from `origin` only: its other name is sent there rather than failing at the callback.
  const serve = webRoot
    ? redirectPagesTo(origin, [`http://127.0.0.1:${port}`], gateway.handler)
    : gateway.handler;
  httpServer.off('request', starting).on('request', serve);

  announce(logger, port, local, webRoot !== undefined);
  installShutdown(logger, async () => {
    await gateway.stop();
    await mongoClient.close();
    await local?.stop();
  });
}

/**
 * Listens on `port`; a port that cannot be had ends the process with one line naming it and the variable to
 * change, rather than an unhandled 'error' event and its stack trace.
 */
async function listen(server: Server, port: number): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      const problem = code === 'EADDRINUSE' ? 'is already in use' : 'needs privileges this process lacks';
      process.stderr.write(`port ${port} ${problem}: set PORT to a free port\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** The built example web client (examples/web/dist), when present. */
function exampleWebRoot(): string | undefined {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  const root = join(dir, 'examples', 'web', 'dist');
  return existsSync(join(root, 'index.html')) ? root : undefined;
}

function announce(logger: Logger, port: number, local: LocalStandIns | undefined, servesWeb: boolean): void {
  const api = `http://localhost:${port}/graphql`;
  if (local !== undefined) {
    const lines = [
      '',
      '================================================================',
      ' LOCAL MODE: not for production.',
      local.google
        ? ` Google is EMULATED at ${local.google.url} (demo account: ${local.google.demoEmail})`
        : null,
      local.google
        ? ` Emulator control page (revoke, expire tokens, faults): ${local.google.url}/__emulator`
        : null,
      local.mongodbUri
        ? ` MongoDB is an embedded stand-in at ${local.mongodbUri} (data kept in ${local.dataDir})`
        : null,
      servesWeb ? ` Open http://localhost:${port}/ for the example web client` : null,
      ` GraphQL API (open it in a browser for the offline API explorer): ${api}`,
      '================================================================',
      '',
    ].filter((line) => line !== null);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  logger.info({ port, url: api, localMode: local !== undefined }, 'gateway listening');
}

function installShutdown(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
