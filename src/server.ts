import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import cors from 'cors';
import { GraphQLError, type ValidationRule } from 'graphql';
import express, { type ErrorRequestHandler } from 'express';
import type { Db } from 'mongodb';
import { AuthService } from './auth/auth.service';
import { GoogleOAuthService } from './auth/google-oauth.service';
import { MongoAuthorizationRequestRepository } from './auth/mongo-authorization-request.repository';
import { MongoSessionRepository } from './auth/mongo-session.repository';
import { OAuthClientPool } from './auth/oauth-client-pool';
import type { EncryptionKey, GatewayConfig, GoogleConfig } from './config';
import { MongoCredentialRepository } from './credentials/mongo-credential.repository';
import { isMongoUnavailable } from './upstream/mongo-errors';
import { TokenCipher } from './credentials/token-cipher';
import {
  classifyError,
  createErrorFormatter,
  ErrorCode,
  UpstreamUnavailableError,
  type ErrorTranslator,
} from './errors';
import { MailboxService } from './gmail/mailbox.service';
import { MessageCursorCodec } from './gmail/message-cursor';
import { DEFAULT_RETRY_POLICY, type RetryClock, type RetryPolicy } from './upstream/retry';
import type { Logger } from './logger';
import { createRequestContext, type GatewayContext } from './resolvers/context';
import { buildGatewaySchema } from './resolvers';

/** Knobs with production defaults; tests shrink budgets to keep failure paths fast. */
export interface GatewayTuning {
  readonly retry: RetryPolicy;
  readonly retryClock?: RetryClock;
  readonly metadataConcurrency: number;
  readonly labelFreshnessMs: number;
  readonly maxOAuthClients: number;
  /** Largest request body accepted; larger ones get 413. */
  readonly bodyLimitBytes: number;
}

export const DEFAULT_TUNING: GatewayTuning = {
  retry: DEFAULT_RETRY_POLICY,
  metadataConcurrency: 20,
  labelFreshnessMs: 30_000,
  maxOAuthClients: 10_000,
  bodyLimitBytes: 64 * 1024,
};

/** Everything from the outside world the gateway uses, passed in so tests can build it against dev/ stand-ins. */
export interface GatewayDeps {
  readonly config: GatewayConfig;
  /** The OAuth client to use: the configured one, or in local mode the emulator's. */
  readonly google: GoogleConfig;
  readonly db: Db;
  readonly encryptionKeys: readonly EncryptionKey[];
  /** Browser origins allowed by CORS. */
  readonly corsOrigins: readonly string[];
  readonly logger: Logger;
  readonly now?: () => Date;
  readonly randomBytes?: (size: number) => Buffer;
  /** The HTTP server the handler is mounted on, so that shutdown drains in-flight requests. */
  readonly httpServer?: Server;
  readonly tuning?: Partial<GatewayTuning>;
  /**
   * A built single-page web client to serve at `/` (local mode serves examples/web/dist). Unknown GET paths
   * outside the API answer its index.html, so client-side routes such as /callback work.
   */
  readonly webRoot?: string;
}

export interface Gateway {
  /** The HTTP handler: `/graphql`, `/healthz`, `/readyz`. Mount it on any node:http server. */
  readonly handler: express.Express;
  readonly apollo: ApolloServer<GatewayContext>;
  readonly services: {
    readonly auth: AuthService;
    readonly mailbox: MailboxService;
    readonly clients: OAuthClientPool;
  };
  /** Stops Apollo (draining the HTTP server when one was given). Does not close the MongoDB client. */
  stop(): Promise<void>;
}

/** Builds the whole gateway: repositories (indexes ensured), services, schema, Apollo and the HTTP handler. */
export async function createGateway(deps: GatewayDeps): Promise<Gateway> {
  const tuning: GatewayTuning = { ...DEFAULT_TUNING, ...deps.tuning };
  const now = deps.now ?? (() => new Date());
  const { logger } = deps;

  const cipher = new TokenCipher(deps.encryptionKeys);
  const credentials = new MongoCredentialRepository(deps.db, cipher, { now });
  const sessions = new MongoSessionRepository(deps.db, {
    now,
    ...(deps.randomBytes ? { randomBytes: deps.randomBytes } : {}),
  });
  const authorizationRequests = new MongoAuthorizationRequestRepository(deps.db, cipher, { now });
  await Promise.all([
    credentials.ensureIndexes(),
    sessions.ensureIndexes(),
    authorizationRequests.ensureIndexes(),
  ]);

  const google = new GoogleOAuthService(deps.google);
  const clients = new OAuthClientPool({
    google,
    credentials,
    logger,
    now,
    maxClients: tuning.maxOAuthClients,
  });
  const auth = new AuthService({
    google,
    credentials,
    sessions,
    authorizationRequests,
    sessionTtlSeconds: deps.config.sessionTtlSeconds,
    logger,
    now,
    ...(deps.randomBytes ? { randomBytes: deps.randomBytes } : {}),
    onCredentialChanged: (userId) => clients.forget(userId),
  });
  const mailbox = new MailboxService({
    credentials,
    clients,
    consent: auth.consentErrors,
    cursors: new MessageCursorCodec(deps.encryptionKeys),
    logger,
    apiRootUrl: deps.google.apiRootUrl,
    retry: tuning.retry,
    ...(tuning.retryClock ? { clock: tuning.retryClock } : {}),
    metadataConcurrency: tuning.metadataConcurrency,
    metadataCacheBytes: deps.config.metadataCacheMB * 2 ** 20,
    labelFreshnessMs: tuning.labelFreshnessMs,
    now: () => now().getTime(),
  });

  const schema = await buildGatewaySchema();

  const production = deps.config.production;
  const armor = new ApolloArmor(QUERY_LIMITS(production)).protect();
  const apollo = new ApolloServer<GatewayContext>({
    schema,
    validationRules: [...armor.validationRules, noSubscriptions],
    // The token limit lives in graphql-js's parser, so a flood is a GRAPHQL_PARSE_FAILED 400 before any work.
    parseOptions: { maxTokens: MAX_TOKENS },
    introspection: !production,
    includeStacktraceInErrorResponses: !production,
    hideSchemaDetailsFromClientErrors: production,
    csrfPrevention: true,
    // main.ts owns the signals: it drains HTTP, then closes MongoDB and the stand-ins, then exits.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    formatError: createErrorFormatter(translateError),
    plugins: [
      ...armor.plugins,
      ...(deps.httpServer ? [ApolloServerPluginDrainHttpServer({ httpServer: deps.httpServer })] : []),
      production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({
            embed: true,
            includeCookies: false,
            document: SANDBOX_DOCUMENT,
            headers: { Authorization: 'Bearer <sessionToken from exchangeCode>' },
          }),
      requestLogPlugin(logger, translateError),
    ],
  });
  await apollo.start();

  const handler = express();
  handler.disable('x-powered-by');
  // GraphQL answers are not revalidated by ETag (clients cache by query, not by URL); hashing each body costs CPU.
  handler.set('etag', false);
  handler.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  handler.get('/readyz', async (_req, res) => {
    try {
      await deps.db.command({ ping: 1 }, { timeoutMS: 1500 });
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'unavailable', reason: 'MongoDB does not answer' });
    }
  });
  handler.use(
    '/graphql',
    cors({ origin: [...deps.corsOrigins], methods: ['GET', 'POST', 'OPTIONS'], maxAge: 600 }),
    express.json({ limit: tuning.bodyLimitBytes }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = requestIdOf(req.headers['x-request-id']);
        res.setHeader('x-request-id', requestId);
        return createRequestContext({ requestId, authorization: req.headers.authorization, auth, mailbox });
      },
    }),
  );
  handler.use(bodyErrorHandler);
  if (deps.webRoot !== undefined) {
    const webRoot = deps.webRoot;
    handler.use(express.static(webRoot, { index: 'index.html', fallthrough: true }));
    handler.get(/^\/(?!graphql|healthz|readyz).*/, (_req, res) => {
      res.sendFile('index.html', { root: webRoot });
    });
  }

  return {
    handler,
    apollo,
    services: { auth, mailbox, clients },
    stop: () => apollo.stop(),
  };
}

const MAX_TOKENS = 2000;

/** What Apollo Sandbox opens with outside production: the sign-in steps, then a first page of mail. */
const SANDBOX_DOCUMENT = `# 1. Run StartSignIn and open the returned url in a browser tab; consent.
# 2. Copy code and state from the page Google redirects to, and run SignIn with them.
# 3. Put the sessionToken in the Authorization header (Headers panel): Bearer <sessionToken>.
# 4. Run Inbox. Errors with extensions.authorizationUrl mean: send the user there.
query StartSignIn {
  authorizationUrl { url state expiresAt }
}

mutation SignIn($code: String!, $state: String!) {
  exchangeCode(code: $code, state: $state) { sessionToken viewer { email } }
}

query Inbox($query: String, $after: String) {
  viewer { email status }
  messages(first: 20, query: $query, after: $after) {
    edges { cursor node { id subject from date snippet } }
    pageInfo { hasNextPage endCursor }
  }
}
`;

/** The schema has no subscriptions: say so at validation (a 400) instead of failing in execution. */
const noSubscriptions: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation === 'subscription' && context.getSchema().getSubscriptionType() == null) {
      context.reportError(new GraphQLError('This API has no subscriptions.', { nodes: [node] }));
    }
  },
});

/**
 * Limits that reject floods before any resolver runs (GRAPHQL_VALIDATION_FAILED). Tuned so that every operation
 * in examples/operations passes with room to spare: the deepest real query (messages → edges → node → field)
 * has depth 4 and costs well under 500 with first-page selections.
 */
const QUERY_LIMITS = (production: boolean): ConstructorParameters<typeof ApolloArmor>[0] => ({
  maxDepth: { n: 8, ignoreIntrospection: true },
  maxAliases: { n: 15 },
  maxDirectives: { n: 20 },
  // Enforced by the parser instead (parseOptions): armor's plugin reports it as a 500.
  maxTokens: { enabled: false },
  costLimit: { maxCost: 5000, ignoreIntrospection: true },
  // Outside production, "did you mean" suggestions help people exploring the API in Sandbox.
  blockFieldSuggestion: { enabled: production },
});

/** Infrastructure errors that belong to the public vocabulary. */
const translateError: ErrorTranslator = (error) =>
  isMongoUnavailable(error) ? new UpstreamUnavailableError('store') : undefined;

/** Accepts a caller's request id when it is short and plain; otherwise makes one. */
function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(header) ? header : randomUUID();
}

/** Body parser failures (invalid JSON, too large) answer a 4xx in GraphQL's error shape, never a 500. */
const bodyErrorHandler: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = status === 413 ? 'Request body too large' : 'Request body is not valid JSON';
    res.status(status).json({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
    return;
  }
  next(error);
};

/**
 * One log line per GraphQL request: request id, operation, duration, outcome (never variables or headers).
 * An unexpected error is logged in full under the request id, which the client also gets in the masked error's
 * `extensions.requestId`, so that the two can be matched.
 */
function requestLogPlugin(logger: Logger, translate: ErrorTranslator): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            const classified = classifyError(error, translate);
            if (classified.kind === 'unexpected') {
              logger.error(
                { requestId: contextValue.requestId, err: classified.original },
                'unexpected error',
              );
            }
          }
        },
        async willSendResponse({ operationName, response }) {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const codes = errors.map((e) => String(e.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR));
          if (response.body.kind === 'single' && codes.includes(ErrorCode.INTERNAL_SERVER_ERROR)) {
            response.body.singleResult.errors = errors.map((e) =>
              e.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR
                ? { ...e, extensions: { ...e.extensions, requestId: contextValue.requestId } }
                : e,
            );
          }
          logger.info(
            {
              requestId: contextValue.requestId,
              operationName: operationName ?? null,
              durationMs: Math.round(performance.now() - started),
              outcome: codes.length === 0 ? 'ok' : 'error',
              ...(codes.length === 0 ? {} : { errorCodes: [...new Set(codes)] }),
            },
            'graphql request',
          );
        },
      };
    },
  };
}
