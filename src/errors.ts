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
  GMAIL_NOT_ENABLED: 'GMAIL_NOT_ENABLED',
  RATE_LIMITED: 'RATE_LIMITED',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes a new consent fixes: errors with these carry `extensions.authorizationUrl` and `requestSecret`. */
export type ReauthorizationCode =
  | typeof ErrorCode.UNAUTHENTICATED
  | typeof ErrorCode.CREDENTIALS_REVOKED
  | typeof ErrorCode.NO_REFRESH_TOKEN
  | typeof ErrorCode.CODE_EXCHANGE_FAILED
  | typeof ErrorCode.INVALID_STATE
  | typeof ErrorCode.INSUFFICIENT_SCOPE
  /** Fixed by connecting another Google account: its consent URL lets the user choose one. */
  | typeof ErrorCode.GMAIL_NOT_ENABLED;

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

/**
 * An error that a new consent fixes; `authorizationUrl` is a fresh consent URL, ready to send the user to, and
 * `requestSecret` the secret `exchangeCode` needs with that URL's state (kept by the browser, never in a URL).
 */
export class ReauthorizationRequiredError extends GatewayError {
  constructor(code: ReauthorizationCode, message: string, authorizationUrl: string, requestSecret: string) {
    super(code, message, { authorizationUrl, requestSecret });
    this.name = 'ReauthorizationRequiredError';
  }
}

export class BadUserInputError extends GatewayError {
  constructor(message: string, argumentName?: string) {
    super(ErrorCode.BAD_USER_INPUT, message, argumentName === undefined ? {} : { argumentName });
    this.name = 'BadUserInputError';
  }
}

export class RateLimitedError extends GatewayError {
  constructor(retryAfterSeconds: number, message = 'Gmail is rate-limiting this account; try again later.') {
    super(ErrorCode.RATE_LIMITED, message, {
      retryAfterSeconds,
    });
    this.name = 'RateLimitedError';
  }
}

const UNAVAILABLE_MESSAGES = {
  Google: 'Google is unavailable right now; try again shortly.',
  Gmail: 'Gmail is unavailable right now; try again shortly.',
  store: 'The credential store is unavailable right now; try again shortly.',
} as const;

export class UpstreamUnavailableError extends GatewayError {
  constructor(service: keyof typeof UNAVAILABLE_MESSAGES) {
    super(ErrorCode.UPSTREAM_UNAVAILABLE, UNAVAILABLE_MESSAGES[service]);
    this.name = 'UpstreamUnavailableError';
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

/** Turns a known infrastructure error (e.g. MongoDB unreachable) into a gateway error; undefined otherwise. */
export type ErrorTranslator = (error: unknown) => GatewayError | undefined;

export type ErrorClass =
  /** Raised on purpose (or translated): its message and extensions are for the client. */
  | { readonly kind: 'gateway'; readonly error: GatewayError }
  /** Apollo rejected the request itself (parse, validation, variables): the client's own mistake. */
  | { readonly kind: 'request' }
  /** Anything else: a bug or an unknown failure, masked for the client and logged in full. */
  | { readonly kind: 'unexpected'; readonly original: unknown };

/** The one place that decides what kind of error an error is; formatError and the request log both use it. */
export function classifyError(error: unknown, translate: ErrorTranslator): ErrorClass {
  const unwrapped = unwrapResolverError(error);
  // graphql-js wraps a thrown value it does not recognise as an Error (e.g. one from another realm) in a
  // NonErrorThrown carrying it as `thrownValue`: judge what was really thrown.
  const thrown = (unwrapped as { name?: unknown; thrownValue?: unknown } | null)?.thrownValue;
  const original =
    thrown !== undefined && (unwrapped as Error).name === 'NonErrorThrown' ? thrown : unwrapped;
  const gateway = original instanceof GatewayError ? original : translate(original);
  if (gateway !== undefined) return { kind: 'gateway', error: gateway };
  const code = error instanceof GraphQLError ? error.extensions.code : undefined;
  const wrapsRuntimeError = original instanceof Error && !(original instanceof GraphQLError);
  if (typeof code === 'string' && REQUEST_ERROR_CODES.has(code) && !wrapsRuntimeError)
    return { kind: 'request' };
  return { kind: 'unexpected', original };
}

/**
 * Apollo's `formatError`: keeps the gateway's own errors and Apollo's request errors, and masks everything
 * else as INTERNAL_SERVER_ERROR, so that no driver, Google or stack detail reaches a client. (The request log
 * plugin adds the request id to masked errors and logs the real error under it.)
 */
export function createErrorFormatter(
  translate: ErrorTranslator,
): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => {
    const place = {
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
    };
    const classified = classifyError(error, translate);
    switch (classified.kind) {
      case 'gateway':
        return {
          message: classified.error.message,
          ...place,
          extensions: { ...classified.error.extensions },
        };
      case 'request': {
        const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
        return { ...formatted, extensions };
      }
      case 'unexpected':
        return {
          message: 'Internal server error',
          ...place,
          extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
        };
      default:
        return assertNever(classified);
    }
  };
}

/** Exhaustiveness check: the compiler points at every switch a new case must reach. */
export function assertNever(value: never): never {
  throw new Error(`unhandled case ${JSON.stringify(value)}`);
}
