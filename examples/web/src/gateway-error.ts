import { CombinedGraphQLErrors, ServerError } from '@apollo/client';
import type { GraphQLFormattedError } from 'graphql';

/** What the client needs from a failed request: the gateway's error code and, when present, how to fix it. */
export interface GatewayError {
  readonly code: string | undefined;
  readonly message: string;
  /** Present on errors that a new consent fixes: send the user there. */
  readonly authorizationUrl: string | undefined;
  /** The secret the callback must send with that URL's state (kept in sessionStorage, never in a URL). */
  readonly requestSecret: string | undefined;
  /** On RATE_LIMITED: how long Gmail (or the user's Gmail budget) asks to wait before trying again. */
  readonly retryAfterSeconds: number | undefined;
}

/**
 * Reads the gateway's error contract (`extensions.code`, `extensions.authorizationUrl` and its
 * `extensions.requestSecret`, `extensions.retryAfterSeconds`) off any failure.
 */
export function gatewayErrorOf(error: unknown): GatewayError {
  const errors = graphQLErrorsOf(error);
  const first = errors.find((e) => typeof e.extensions?.['authorizationUrl'] === 'string') ?? errors[0];
  if (first !== undefined) {
    const code = first.extensions?.['code'];
    const url = first.extensions?.['authorizationUrl'];
    const secret = first.extensions?.['requestSecret'];
    const retryAfter = first.extensions?.['retryAfterSeconds'];
    const bound = typeof url === 'string' && typeof secret === 'string';
    return {
      code: typeof code === 'string' ? code : undefined,
      message: first.message,
      authorizationUrl: bound ? url : undefined,
      requestSecret: bound ? secret : undefined,
      retryAfterSeconds: typeof retryAfter === 'number' && retryAfter >= 0 ? retryAfter : undefined,
    };
  }
  return {
    code: undefined,
    message: error instanceof Error ? error.message : 'Something went wrong.',
    authorizationUrl: undefined,
    requestSecret: undefined,
    retryAfterSeconds: undefined,
  };
}

function graphQLErrorsOf(error: unknown): readonly GraphQLFormattedError[] {
  if (CombinedGraphQLErrors.is(error)) return error.errors;
  // A non-2xx answer that still carries a GraphQL body (e.g. `application/json` with a 4xx status).
  if (ServerError.is(error)) {
    try {
      const body = JSON.parse(error.bodyText) as { errors?: GraphQLFormattedError[] };
      return Array.isArray(body.errors) ? body.errors : [];
    } catch {
      return [];
    }
  }
  return [];
}
