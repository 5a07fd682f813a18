import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { classifyError, ErrorCode, type ErrorTranslator } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { GatewayContext } from '../resolvers/context';

/**
 * One log line per GraphQL request: request id, operation, duration, outcome (never variables or headers).
 * An unexpected error is logged in full under the request id, which the client also gets in the masked error's
 * `extensions.requestId`, so that the two can be matched.
 */
export function requestLogPlugin(
  logger: Logger,
  translate: ErrorTranslator,
  metrics: Metrics,
): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            const classified = classifyError(error, translate);
            if (classified.kind === 'unexpected') {
              logger.error({ ...ids(contextValue), err: classified.original }, 'unexpected error');
            }
          }
        },
        async willSendResponse({ operationName, response }) {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const codes = errors.map(codeOf);
          if (response.body.kind === 'single' && codes.includes(ErrorCode.INTERNAL_SERVER_ERROR)) {
            response.body.singleResult.errors = errors.map((e) =>
              e.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR
                ? { ...e, extensions: { ...e.extensions, requestId: contextValue.requestId } }
                : e,
            );
          }
          const seconds = (performance.now() - started) / 1000;
          const outcome = codes.length === 0 ? 'ok' : 'error';
          metrics.request(operationName ?? null, outcome, seconds);
          logger.info(
            {
              ...ids(contextValue),
              operationName: operationName ?? null,
              durationMs: Math.round(seconds * 1000),
              outcome,
              ...(codes.length === 0 ? {} : { errorCodes: [...new Set(codes)] }),
            },
            'graphql request',
          );
        },
      };
    },
  };
}

/** Our request id, and the caller's own when it sent one (never in place of ours). */
function ids(context: GatewayContext): { requestId: string; clientRequestId?: string } {
  return context.clientRequestId === null
    ? { requestId: context.requestId }
    : { requestId: context.requestId, clientRequestId: context.clientRequestId };
}

/** The error's extensions.code; an error without a (string) code counts as INTERNAL_SERVER_ERROR. */
function codeOf(error: GraphQLFormattedError): string {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : ErrorCode.INTERNAL_SERVER_ERROR;
}
