import 'reflect-metadata';
import { createServer } from 'node:http';
import type { LocalStandIns } from '../dev/local-mode';
import { MongoClient } from 'mongodb';
import { ConfigError, loadConfig, type GatewayConfig, type GoogleConfig } from './config';
import { TokenCipher } from './credentials/token-cipher';
import { createLogger, type Logger } from './logger';
import { createGateway } from './server';

/**
 * Process entry: read the configuration, start local stand-ins when Google or MongoDB is not configured,
 * wire the gateway, listen, and shut down gracefully on SIGTERM/SIGINT (in-flight requests complete first).
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

  const needsGoogle = config.google === null;
  const needsMongo = config.mongodbUri === null;
  // Only local mode loads dev/: production never reaches this import.
  const local =
    needsGoogle || needsMongo
      ? await (await import('../dev/local-mode.js')).startLocalStandIns({ google: needsGoogle, mongodb: needsMongo })
      : undefined;

  const google: GoogleConfig = config.google ?? {
    ...local!.google!,
    scopes: config.scopes,
    apiRootUrl: local!.google!.apiRootUrl,
  };
  const encryptionKeys = config.tokenEncryptionKeys ?? [TokenCipher.generateKey('local')];
  if (config.tokenEncryptionKeys === null) {
    logger.warn('TOKEN_ENCRYPTION_KEYS is not set: using a random key; stored tokens will not survive a restart');
  }

  const mongoClient = new MongoClient(config.mongodbUri ?? local!.mongodbUri!, {
    // Fail a request within about two seconds when MongoDB is gone, rather than the driver's 30 s default.
    serverSelectionTimeoutMS: 1500,
    connectTimeoutMS: 2000,
    appName: 'gmail-graphql-gateway',
  });
  await mongoClient.connect();

  const httpServer = createServer();
  const origins = config.corsOrigins ?? [`http://localhost:${config.port}`, `http://127.0.0.1:${config.port}`];
  const gateway = await createGateway({
    config,
    google,
    db: mongoClient.db(config.mongodbDb),
    encryptionKeys,
    corsOrigins: origins,
    logger,
    httpServer,
  });
  httpServer.on('request', gateway.handler);
  await new Promise<void>((resolve) => httpServer.listen(config.port, resolve));
  const address = httpServer.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;

  announce(logger, port, local);
  installShutdown(logger, async () => {
    await gateway.stop();
    await mongoClient.close();
    await local?.stop();
  });
}

function announce(logger: Logger, port: number, local: LocalStandIns | undefined): void {
  const url = `http://localhost:${port}/graphql`;
  if (local !== undefined) {
    const lines = [
      '',
      '================================================================',
      ' LOCAL MODE: not for production.',
      local.google ? ` Google is EMULATED at ${local.google.url} (demo account: ${local.google.demoEmail})` : null,
      local.mongodbUri ? ` MongoDB is an IN-MEMORY stand-in at ${local.mongodbUri} (data is lost on exit)` : null,
      ` Open ${url}`,
      '================================================================',
      '',
    ].filter((line) => line !== null);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  logger.info({ port, url, localMode: local !== undefined }, 'gateway listening');
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
  process.stderr.write(`gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
