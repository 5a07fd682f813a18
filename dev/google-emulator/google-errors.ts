import { json, type Reply } from './http';

// Google's two error shapes, with the wording real Google uses: the API envelope (Gmail, userinfo)
// `{ error: { code, message, errors: [...], status } }` and the OAuth one (token, revoke, tokeninfo)
// `{ error, error_description }`.

const STATUS_TEXT: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

interface ApiErrorDetail {
  message?: string;
  reason: string;
  domain?: string;
  location?: string;
  locationType?: string;
}

export function apiError(
  status: number,
  message: string,
  detail: ApiErrorDetail,
  headers: Record<string, string> = {},
): Reply {
  const error = {
    code: status,
    message,
    errors: [
      {
        message: detail.message ?? message,
        domain: detail.domain ?? 'global',
        reason: detail.reason,
        ...(detail.location
          ? { location: detail.location, locationType: detail.locationType ?? 'header' }
          : {}),
      },
    ],
    status: STATUS_TEXT[status] ?? 'UNKNOWN',
  };
  return json(status, { error }, headers);
}

const AUTH_HINT =
  'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
const WWW_AUTHENTICATE = 'Bearer realm="https://accounts.google.com/"';

/** No token at all. */
export function loginRequired(): Reply {
  return apiError(
    401,
    `Request is missing required authentication credential. ${AUTH_HINT}`,
    { message: 'Login Required.', reason: 'required', location: 'Authorization' },
    { 'www-authenticate': WWW_AUTHENTICATE },
  );
}

/** Unknown, expired or revoked token. */
export function invalidCredentials(): Reply {
  return apiError(
    401,
    `Request had invalid authentication credentials. ${AUTH_HINT}`,
    { message: 'Invalid Credentials', reason: 'authError', location: 'Authorization' },
    { 'www-authenticate': `${WWW_AUTHENTICATE}, error="invalid_token"` },
  );
}

export function insufficientScopes(): Reply {
  return apiError(
    403,
    'Request had insufficient authentication scopes.',
    { message: 'Insufficient Permission', reason: 'insufficientPermissions' },
    { 'www-authenticate': `${WWW_AUTHENTICATE}, error="insufficient_scope"` },
  );
}

export function forbidden(message: string): Reply {
  return apiError(403, message, { reason: 'forbidden' });
}

export function notFound(): Reply {
  return apiError(404, 'Requested entity was not found.', { reason: 'notFound' });
}

export function invalidArgument(message: string): Reply {
  return apiError(400, message, { reason: 'invalidArgument' });
}

/** What Google answers for the common injected failures. */
const FAULT_MESSAGES: Record<string, { message: string; domain: string }> = {
  rateLimitExceeded: { message: 'Rate Limit Exceeded', domain: 'usageLimits' },
  userRateLimitExceeded: { message: 'User Rate Limit Exceeded', domain: 'usageLimits' },
  dailyLimitExceeded: { message: 'Daily Limit Exceeded', domain: 'usageLimits' },
  quotaExceeded: { message: 'Quota exceeded for quota metric', domain: 'usageLimits' },
  backendError: { message: 'Backend Error', domain: 'global' },
};

function defaultApiReason(status: number): string {
  if (status === 429 || status === 403) return 'rateLimitExceeded';
  if (status >= 500) return 'backendError';
  if (status === 401) return 'authError';
  if (status === 404) return 'notFound';
  return 'invalidArgument';
}

/** An injected failure of a Gmail or userinfo call. */
export function apiFault(
  status: number,
  reason = defaultApiReason(status),
  headers: Record<string, string> = {},
): Reply {
  if (status === 429) {
    const message = 'Resource has been exhausted (e.g. check quota).';
    return apiError(429, message, { reason, domain: FAULT_MESSAGES[reason]?.domain ?? 'global' }, headers);
  }
  if (status === 503) {
    return apiError(503, 'The service is currently unavailable.', { reason }, headers);
  }
  const known = FAULT_MESSAGES[reason];
  const message =
    known?.message ?? (status >= 500 ? 'Internal error encountered.' : `Injected error (${reason})`);
  return apiError(status, message, { reason, domain: known?.domain ?? 'global' }, headers);
}

export function oauthError(
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
): Reply {
  return json(status, { error, error_description: description }, headers);
}

const OAUTH_FAULT_DESCRIPTIONS: Record<string, string> = {
  invalid_grant: 'Token has been expired or revoked.',
  invalid_client: 'The OAuth client was not found.',
  invalid_token: 'Token expired or revoked',
  internal_failure: 'Backend Error',
  temporarily_unavailable: 'The service is currently unavailable.',
};

/** An injected failure of the token, revoke or tokeninfo endpoint. */
export function oauthFault(status: number, reason?: string, headers: Record<string, string> = {}): Reply {
  const error =
    reason ??
    (status === 503 ? 'temporarily_unavailable' : status >= 500 ? 'internal_failure' : 'invalid_request');
  return oauthError(status, error, OAUTH_FAULT_DESCRIPTIONS[error] ?? 'Bad Request', headers);
}
