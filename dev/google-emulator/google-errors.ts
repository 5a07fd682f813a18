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

/** Newer Google bodies: a `status` other than the HTTP status's usual one, and google.rpc `details`. */
interface ApiErrorExtra {
  status?: string;
  details?: readonly object[];
  extendedHelp?: string;
}

export function apiError(
  status: number,
  message: string,
  detail: ApiErrorDetail,
  headers: Record<string, string> = {},
  extra: ApiErrorExtra = {},
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
        ...(extra.extendedHelp !== undefined ? { extendedHelp: extra.extendedHelp } : {}),
      },
    ],
    status: extra.status ?? STATUS_TEXT[status] ?? 'UNKNOWN',
    ...(extra.details ? { details: extra.details } : {}),
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

/** Gmail's internal names for its methods, as ErrorInfo metadata carries them. */
const RPC_METHODS: Record<string, string> = {
  'messages.list': 'caribou.api.proto.MailboxService.ListMessages',
  'messages.get': 'caribou.api.proto.MailboxService.GetMessage',
  'messages.attachments.get': 'caribou.api.proto.MailboxService.GetAttachment',
  'threads.list': 'caribou.api.proto.MailboxService.ListThreads',
  'threads.get': 'caribou.api.proto.MailboxService.GetThread',
  'labels.list': 'caribou.api.proto.MailboxService.ListLabels',
  'labels.get': 'caribou.api.proto.MailboxService.GetLabel',
};
const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';
const GMAIL_SERVICE = 'gmail.googleapis.com';

/** The token lacks a scope the method needs; `endpoint` names the Gmail method for the ErrorInfo detail. */
export function insufficientScopes(endpoint?: string): Reply {
  const method = endpoint !== undefined ? RPC_METHODS[endpoint] : undefined;
  return apiError(
    403,
    'Request had insufficient authentication scopes.',
    { message: 'Insufficient Permission', reason: 'insufficientPermissions' },
    { 'www-authenticate': `${WWW_AUTHENTICATE}, error="insufficient_scope"` },
    {
      details: [
        {
          '@type': ERROR_INFO,
          reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
          domain: 'googleapis.com',
          metadata: { service: GMAIL_SERVICE, ...(method !== undefined ? { method } : {}) },
        },
      ],
    },
  );
}

/** 400 failedPrecondition: transient with Google's default text, permanent as "Mail service not enabled". */
export function preconditionFailed(message = 'Precondition check failed.'): Reply {
  return apiError(400, message, { reason: 'failedPrecondition' }, {}, { status: 'FAILED_PRECONDITION' });
}

export const MAIL_SERVICE_NOT_ENABLED = 'Mail service not enabled';

/** The Gmail API is not enabled in the caller's Cloud project: Google's body, details included. */
export function accessNotConfigured(projectNumber: string): Reply {
  const activationUrl = `https://console.developers.google.com/apis/api/${GMAIL_SERVICE}/overview?project=${projectNumber}`;
  const message =
    `Gmail API has not been used in project ${projectNumber} before or it is disabled. Enable it by visiting ` +
    `${activationUrl} then retry. If you enabled this API recently, wait a few minutes for the action to ` +
    'propagate to our systems and retry.';
  return apiError(
    403,
    message,
    { reason: 'accessNotConfigured', domain: 'usageLimits' },
    {},
    {
      extendedHelp: 'https://console.developers.google.com',
      details: [
        {
          '@type': ERROR_INFO,
          reason: 'SERVICE_DISABLED',
          domain: 'googleapis.com',
          metadata: {
            consumer: `projects/${projectNumber}`,
            service: GMAIL_SERVICE,
            containerInfo: projectNumber,
            serviceTitle: 'Gmail API',
            activationUrl,
          },
        },
        { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
        {
          '@type': 'type.googleapis.com/google.rpc.Help',
          links: [{ description: 'Google developers console API activation', url: activationUrl }],
        },
      ],
    },
  );
}

/** Gmail's per-user limit text; two spaces before "Retry", as Google writes it. */
export function userRateLimitMessage(retryAt: number): string {
  return `User-rate limit exceeded.  Retry after ${new Date(retryAt).toISOString()}`;
}

/** The per-user limit as 403 (domain usageLimits); no Retry-After header, the end is in the message. */
export function userRateLimitExceeded(retryAt: number): Reply {
  return apiError(403, userRateLimitMessage(retryAt), {
    reason: 'userRateLimitExceeded',
    domain: 'usageLimits',
  });
}

/** Gmail's per-user concurrency limit. */
export function tooManyConcurrentRequests(): Reply {
  return apiError(429, 'Too many concurrent requests for user', { reason: 'rateLimitExceeded' });
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

/** What an injected fault may say beyond status and reason (see FaultSpec). */
export interface FaultWording {
  readonly message?: string;
  /** Epoch ms. */
  readonly retryAt?: number;
  /** The endpoint faulted, for ErrorInfo details. */
  readonly endpoint?: string;
  readonly projectNumber?: string;
}

/** An injected failure of a Gmail or userinfo call. */
export function apiFault(
  status: number,
  reason = defaultApiReason(status),
  headers: Record<string, string> = {},
  wording: FaultWording = {},
): Reply {
  const withHeaders = (reply: Reply): Reply => ({ ...reply, headers: { ...reply.headers, ...headers } });
  const retryText = wording.retryAt !== undefined ? userRateLimitMessage(wording.retryAt) : undefined;
  switch (`${status} ${reason}`) {
    case '401 authError':
      return withHeaders(invalidCredentials());
    case '400 failedPrecondition':
      return withHeaders(preconditionFailed(wording.message));
    case '403 accessNotConfigured':
      return withHeaders(accessNotConfigured(wording.projectNumber ?? DEFAULT_PROJECT_NUMBER));
    case '403 insufficientPermissions':
      return withHeaders(insufficientScopes(wording.endpoint));
  }
  if (status === 429) {
    const message = wording.message ?? retryText ?? 'Resource has been exhausted (e.g. check quota).';
    // Gmail's 429s carry domain global, whatever the reason.
    return apiError(429, message, { reason }, headers);
  }
  if (wording.message !== undefined || (retryText !== undefined && reason === 'userRateLimitExceeded')) {
    const domain = FAULT_MESSAGES[reason]?.domain ?? 'global';
    return apiError(status, wording.message ?? retryText!, { reason, domain }, headers);
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

export const DEFAULT_PROJECT_NUMBER = '123456789012';

const OAUTH_FAULT_DESCRIPTIONS: Record<string, string> = {
  invalid_grant: 'Token has been expired or revoked.',
  // A wrong or rotated secret; an unknown client id says 'The OAuth client was not found.' instead.
  invalid_client: 'Unauthorized',
  unauthorized_client: 'Unauthorized',
  deleted_client: 'The OAuth client was deleted.',
  invalid_token: 'Token expired or revoked',
  internal_failure: 'Backend Error',
  temporarily_unavailable: 'The service is currently unavailable.',
};

/** An injected failure of the token, revoke or tokeninfo endpoint; `message` replaces the description. */
export function oauthFault(
  status: number,
  reason?: string,
  headers: Record<string, string> = {},
  message?: string,
): Reply {
  const error =
    reason ??
    (status === 503 ? 'temporarily_unavailable' : status >= 500 ? 'internal_failure' : 'invalid_request');
  return oauthError(status, error, message ?? OAUTH_FAULT_DESCRIPTIONS[error] ?? 'Bad Request', headers);
}
