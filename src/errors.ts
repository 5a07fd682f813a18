import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/**
 * The public error vocabulary: every error a client is expected to handle carries one of these in
 * `extensions.code`. Anything not raised as a {@link GatewayError} reaches clients as INTERNAL_SERVER_ERROR.
 */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  CREDENTIALS_REVOKED: 'CREDENTIALS_REVOKED',
  NO_REFRESH_TOKEN: 'NO_REFRESH_TOKEN',
  CODE_EXCHANGE_FAILED: 'CODE_EXCHANGE_FAILED',
  INVALID_STATE: 'INVALID_STATE',
  INSUFFICIENT_SCOPE: 'INSUFFICIENT_SCOPE',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  RATE_LIMITED: 'RATE_LIMITED',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes a new consent fixes: errors with these carry `extensions.authorizationUrl`. */
export type ReauthorizationCode =
  | typeof ErrorCode.UNAUTHENTICATED
  | typeof ErrorCode.CREDENTIALS_REVOKED
  | typeof ErrorCode.NO_REFRESH_TOKEN
  | typeof ErrorCode.CODE_EXCHANGE_FAILED
  | typeof ErrorCode.INVALID_STATE
  | typeof ErrorCode.INSUFFICIENT_SCOPE;

/** The base of every error the gateway raises on purpose. Its message is written for the client. */
export class GatewayError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { ...extensions, code } });
    this.name = 'GatewayError';
  }
}

/** An error that a new consent fixes; `authorizationUrl` is a fresh consent URL, ready to send the user to. */
export class ReauthorizationRequiredError extends GatewayError {
  constructor(code: ReauthorizationCode, message: string, authorizationUrl: string) {
    super(code, message, { authorizationUrl });
    this.name = 'ReauthorizationRequiredError';
  }
}

export class BadUserInputError extends GatewayError {
  constructor(message: string, argumentName?: string) {
    super(ErrorCode.BAD_USER_INPUT, message, argumentName === undefined ? {} : { argumentName });
  }
}

export class RateLimitedError extends GatewayError {
  constructor(retryAfterSeconds: number) {
    super(ErrorCode.RATE_LIMITED, 'Gmail is rate-limiting this account; try again later.', {
      retryAfterSeconds,
    });
  }
}

export class UpstreamUnavailableError extends GatewayError {
  constructor(service: 'Google' | 'Gmail' | 'the credential store') {
    super(ErrorCode.UPSTREAM_UNAVAILABLE, `${service} is unavailable right now; try again shortly.`);
  }
}

/**
 * Apollo error codes raised before any resolver runs (parse, validation, variable coercion). They describe the
 * client's own request, so they pass through as they are.
 */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export interface ErrorFormatterOptions {
  /** Turns a known infrastructure error (e.g. MongoDB unreachable) into a gateway error; undefined otherwise. */
  translate(error: unknown): GatewayError | undefined;
  /** Sees every error that gets masked (to log it) and may return a request id to put in the masked error. */
  onUnexpected(error: unknown): string | undefined;
}

/**
 * Apollo's `formatError`: keeps the gateway's own errors and Apollo's request errors, and masks everything
 * else as INTERNAL_SERVER_ERROR, so that no driver, Google or stack detail reaches a client.
 */
export function createErrorFormatter(
  options: ErrorFormatterOptions,
): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => {
    const unwrapped = unwrapResolverError(error);
    const original =
      unwrapped instanceof GatewayError ? unwrapped : (options.translate(unwrapped) ?? unwrapped);
    if (original instanceof GatewayError) {
      return {
        message: original.message,
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { ...original.extensions },
      };
    }
    const code = formatted.extensions?.code;
    const isRequestError = typeof code === 'string' && REQUEST_ERROR_CODES.has(code);
    if (isRequestError && !(original instanceof Error && !(original instanceof GraphQLError))) {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const requestId = options.onUnexpected(original);
    return {
      message: 'Internal server error',
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: {
        code: ErrorCode.INTERNAL_SERVER_ERROR,
        ...(requestId === undefined ? {} : { requestId }),
      },
    };
  };
}
