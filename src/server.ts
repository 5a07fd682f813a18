import 'reflect-metadata';
import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express from 'express';
import type { Db } from 'mongodb';
import type { Clock } from './clock';
import { createErrorFormatter, UpstreamUnavailableError, type ErrorTranslator } from './errors';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './upstream/retry';
import { mountAttachments } from './http/attachments';
import { bodyErrorHandler } from './http/body-errors';
import { mountExplorer } from './http/explorer';
import { gmailQuotaPlugin } from './http/gmail-quota.plugin';
import { mountHealthChecks } from './http/health';
import { mountMetrics } from './http/metrics';
import { queryLimits } from './http/query-limits';
import { requestDeadline } from './http/request-deadline';
import { clientRequestIdOf, newRequestId } from './http/request-id';
import { requestLogPlugin } from './http/request-log.plugin';
import { landingPage } from './http/sandbox-page';
import { notFound, securityHeaders } from './http/security-headers';
import { mountWebClient } from './http/static-web';
import type { Logger } from './logger';
import { Metrics } from './metrics';
import { buildGatewaySchema } from './resolvers';
import { createRequestContext, type GatewayContext } from './resolvers/context';
import type { RuntimeConfig } from './runtime-config';
import { createServices, type Services } from './services';
import { isMongoUnavailable } from './upstream/mongo-errors';

/** Knobs with production defaults; tests shrink budgets to keep failure paths fast. */
export interface GatewayTuning {
  readonly retry: RetryPolicy;
  readonly labelFreshnessMs: number;
  readonly maxOAuthClients: number;
  /** Length of one Gmail budget window, 60,000 ms; tests shorten it instead of waiting a minute. */
  readonly quotaWindowMs: number;
  /** Largest request body accepted; larger ones get 413. */
  readonly bodyLimitBytes: number;
}

export const DEFAULT_TUNING: GatewayTuning = {
  retry: DEFAULT_RETRY_POLICY,
  labelFreshnessMs: 30_000,
  maxOAuthClients: 10_000,
  quotaWindowMs: 60_000,
  bodyLimitBytes: 64 * 1024,
};

/** Everything from the outside world the gateway uses, passed in so tests can build it against dev/ stand-ins. */
export interface GatewayDeps {
  readonly config: RuntimeConfig;
  readonly db: Db;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly randomBytes?: (size: number) => Buffer;
  /** The HTTP server the handler is mounted on, so that shutdown drains in-flight requests. */
  readonly httpServer?: Server;
  readonly tuning?: Partial<GatewayTuning>;
  /** A built single-page web client to serve at `/` (local mode serves examples/web/dist). */
  readonly webRoot?: string;
  /** The process's metrics (main.ts creates them once); a gateway without them counts into its own. */
  readonly metrics?: Metrics;
}

export interface Gateway {
  /** The HTTP handler: `/graphql`, `/healthz`, `/readyz`. Mount it on any node:http server. */
  readonly handler: express.Express;
  readonly apollo: ApolloServer<GatewayContext>;
  readonly services: Services;
  readonly metrics: Metrics;
  /**
   * Stops Apollo (draining the HTTP server when one was given), then the services' background work. Does not
   * close the MongoDB client.
   */
  stop(): Promise<void>;
}

/** Builds the whole gateway: services, schema, Apollo and the HTTP handler. */
export async function createGateway(deps: GatewayDeps): Promise<Gateway> {
  const tuning: GatewayTuning = { ...DEFAULT_TUNING, ...deps.tuning };
  const { config, logger } = deps;
  const metrics = deps.metrics ?? new Metrics();
  const services = await createServices({ ...deps, metrics, tuning });
  const translateError = storeErrorTranslator(metrics);
  const limits = queryLimits<GatewayContext>(config.production);

  const apollo = new ApolloServer<GatewayContext>({
    schema: await buildGatewaySchema(),
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    introspection: !config.production,
    includeStacktraceInErrorResponses: !config.production,
    hideSchemaDetailsFromClientErrors: config.production,
    csrfPrevention: true,
    // main.ts owns the signals: it drains HTTP, then closes MongoDB and the stand-ins, then exits.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    formatError: createErrorFormatter(translateError),
    plugins: [
      ...limits.plugins,
      ...(deps.httpServer ? [ApolloServerPluginDrainHttpServer({ httpServer: deps.httpServer })] : []),
      landingPage(config.production),
      requestLogPlugin(logger, translateError, metrics),
      gmailQuotaPlugin(config.gmailQuotaCosts),
    ],
  });
  await apollo.start();

  const handler = express();
  handler.disable('x-powered-by');
  // GraphQL answers are not revalidated by ETag (clients cache by query, not by URL); hashing each body costs CPU.
  handler.set('etag', false);
  handler.use(securityHeaders({ hsts: !config.localMode }));
  mountHealthChecks(handler, deps.db);
  mountExplorer(handler, config.production);
  mountAttachments(handler, {
    tokens: services.attachmentTokens,
    mailbox: services.mailbox,
    budget: services.gmailBudget,
    costs: config.gmailQuotaCosts,
    requestTimeoutMs: config.requestTimeoutMs,
    logger,
  });
  if (config.metrics.enabled) mountMetrics(handler, metrics, config.metrics.token);
  handler.use(
    '/graphql',
    cors({ origin: [...config.corsOrigins], methods: ['GET', 'POST', 'OPTIONS'], maxAge: 600 }),
    express.json({ limit: tuning.bodyLimitBytes }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = newRequestId();
        res.setHeader('x-request-id', requestId);
        const { auth, mailbox, gmailBudget: budget } = services;
        return createRequestContext({
          requestId,
          clientRequestId: clientRequestIdOf(req.headers['x-request-id']),
          authorization: req.headers.authorization,
          auth,
          mailbox,
          budget,
          signal: requestDeadline(res, config.requestTimeoutMs),
        });
      },
    }),
  );
  handler.use(bodyErrorHandler);
  if (deps.webRoot !== undefined) mountWebClient(handler, deps.webRoot);
  handler.use(notFound);

  const stop = async (): Promise<void> => {
    await apollo.stop();
    await services.stop();
  };
  return { handler, apollo, services, metrics, stop };
}

/** Infrastructure errors that belong to the public vocabulary; an unreachable store is also counted. */
function storeErrorTranslator(metrics: Metrics): ErrorTranslator {
  return (error) => {
    if (!isMongoUnavailable(error)) return undefined;
    metrics.storeError(error);
    return new UpstreamUnavailableError('store');
  };
}
