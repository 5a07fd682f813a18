import { randomBytes } from 'node:crypto';
import { renderConsentPage, renderOAuthErrorPage } from './consent-page';
import { formFields, redirect, type Reply } from './http';
import type { OAuthStore } from './oauth-store';
import type { RequestContext } from './request-context';
import { isKnownScope, normalizeScope, parseScopes } from './scopes';
import type { ConsentDecision, OAuthClientRegistration } from './types';
import type { UserDirectory, UserRecord } from './users';

/** A consent URL that passed validation: everything needed to issue a code once someone decides. */
export interface AuthorizationRequest {
  readonly client: OAuthClientRegistration;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly state: string | null;
  readonly codeChallenge?: string;
  readonly codeChallengeMethod?: 'S256' | 'plain';
  readonly offline: boolean;
  readonly prompt: ReadonlySet<string>;
  readonly loginHint: string | null;
  readonly includeGrantedScopes: boolean;
}

interface PendingConsent {
  readonly request: AuthorizationRequest;
  readonly expiresAt: number;
}

export const DECISION_PATH = '/o/oauth2/v2/auth/decision';
const PENDING_TTL_MS = 30 * 60 * 1000;
const PROMPTS = new Set(['none', 'consent', 'select_account']);
const MISMATCH_TEXT =
  "You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. If you're the app developer, register the redirect URI in the Google Cloud Console.";
/** RFC 7636 4.1/4.2: 43 to 128 unreserved characters. */
const PKCE_VALUE = /^[A-Za-z0-9._~-]{43,128}$/;

/**
 * The authorization endpoint (`GET /o/oauth2/v2/auth`) and, in page mode, the consent page's decision. One per
 * emulator. Validates like Google: nothing redirects until client_id and redirect_uri are known to be
 * registered; later errors go back to the client as `?error=`.
 */
export class ConsentEndpoint {
  private readonly queued: ConsentDecision[] = [];
  /** Consent pages shown and not yet answered, by an unguessable id that the page's form posts back. */
  private readonly pending = new Map<string, PendingConsent>();

  constructor(
    private readonly deps: {
      readonly store: OAuthStore;
      readonly users: UserDirectory;
      readonly mode: 'auto' | 'page';
      readonly now: () => number;
    },
  ) {}

  queueDecision(decision: ConsentDecision): void {
    if (decision.email !== undefined) this.deps.users.require(decision.email);
    this.queued.push({ ...decision });
  }

  authorize(ctx: RequestContext): Reply {
    const parsed = this.parse(ctx.query);
    if ('page' in parsed) return parsed.page;
    if ('redirect' in parsed) return parsed.redirect;
    const request = parsed.request;
    ctx.meta.clientId = request.client.clientId;
    if (request.prompt.has('none')) return this.silently(request);
    const decision = this.queued.shift();
    if (decision) return this.decide(request, decision);
    if (this.deps.mode === 'auto') return this.decide(request, {});
    return this.showPage(request);
  }

  /** POST from the consent page: the account picked, the scopes left ticked, Allow or Cancel. */
  submit(ctx: RequestContext): Reply {
    const form = formFields(ctx.body, ctx.req.headers['content-type']);
    const id = form.get('consent_request') ?? '';
    const pending = this.pending.get(id);
    this.pending.delete(id);
    if (!pending || this.deps.now() >= pending.expiresAt) {
      return renderOAuthErrorPage(
        400,
        'invalid_request',
        'This consent screen has expired. Start again from the app.',
      );
    }
    const { request } = pending;
    ctx.meta.clientId = request.client.clientId;
    if (form.get('action') !== 'allow') return this.deny(request);
    const account = this.deps.users.find(form.get('account') ?? '');
    if (!account) return renderOAuthErrorPage(400, 'invalid_request', 'Choose an account to continue.');
    const ticked = new Set(form.getAll('scope').map(normalizeScope));
    const deniedScopes = request.scopes.filter((scope) => !ticked.has(scope));
    return this.decide(request, { email: account.user.email, deniedScopes });
  }

  /**
   * Google checks client_id and redirect_uri first and answers a page, never a redirect, when they are wrong:
   * redirecting to an unregistered URI would hand codes to anyone.
   */
  private parse(
    query: URLSearchParams,
  ): { request: AuthorizationRequest } | { page: Reply } | { redirect: Reply } {
    const page = (status: number, error: string, description: string) => ({
      page: renderOAuthErrorPage(status, error, description),
    });
    const clientId = query.get('client_id');
    if (!clientId) return page(400, 'invalid_request', 'Missing required parameter: client_id');
    const client = this.deps.store.client(clientId);
    if (!client) return page(401, 'invalid_client', 'The OAuth client was not found.');
    const redirectUri = query.get('redirect_uri');
    if (!redirectUri) return page(400, 'invalid_request', 'Missing required parameter: redirect_uri');
    if (!client.redirectUris.includes(redirectUri)) {
      return page(
        400,
        'redirect_uri_mismatch',
        `${MISMATCH_TEXT} Request details: redirect_uri=${redirectUri}`,
      );
    }
    const request = parseRequest(query, client, redirectUri);
    if ('request' in request) return request;
    const { error, description } = request;
    return {
      redirect: redirectWith(redirectUri, {
        error,
        error_description: description,
        state: query.get('state'),
      }),
    };
  }

  /** prompt=none: a code only when the user already granted every requested scope to this client. */
  private silently(request: AuthorizationRequest): Reply {
    const account = this.hintedUser(request);
    const grant = this.deps.store.grant(account.user.id, request.client.clientId);
    if (!grant || !request.scopes.every((scope) => grant.scopes.has(scope))) {
      return redirectWith(request.redirectUri, {
        error: 'consent_required',
        error_description: 'The user has not granted the requested scopes to this app.',
        state: request.state,
      });
    }
    return this.issue(request, account, request.scopes);
  }

  private decide(request: AuthorizationRequest, decision: ConsentDecision): Reply {
    if (decision.deny) return this.deny(request);
    const account =
      decision.email !== undefined ? this.deps.users.require(decision.email) : this.hintedUser(request);
    const denied = new Set((decision.deniedScopes ?? []).map(normalizeScope));
    const granted = request.scopes.filter((scope) => !denied.has(scope));
    if (granted.length === 0) return this.deny(request);
    return this.issue(request, account, granted);
  }

  private issue(request: AuthorizationRequest, account: UserRecord, granted: readonly string[]): Reply {
    const previously = this.deps.store.grant(account.user.id, request.client.clientId)?.scopes ?? [];
    const scopes = request.includeGrantedScopes ? [...new Set([...granted, ...previously])] : [...granted];
    const code = this.deps.store.issueCode({
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      userId: account.user.id,
      scopes,
      ...(request.codeChallenge !== undefined
        ? {
            codeChallenge: request.codeChallenge,
            codeChallengeMethod: request.codeChallengeMethod ?? 'plain',
          }
        : {}),
      offline: request.offline,
      forceConsent: request.prompt.has('consent'),
    });
    return redirectWith(request.redirectUri, {
      state: request.state,
      code: code.value,
      scope: scopes.join(' '),
      authuser: '0',
      prompt: request.prompt.has('none') ? 'none' : 'consent',
    });
  }

  private deny(request: AuthorizationRequest): Reply {
    return redirectWith(request.redirectUri, { error: 'access_denied', state: request.state });
  }

  private showPage(request: AuthorizationRequest): Reply {
    const now = this.deps.now();
    for (const [id, pending] of this.pending) if (now >= pending.expiresAt) this.pending.delete(id);
    const id = randomBytes(24).toString('base64url');
    this.pending.set(id, { request, expiresAt: now + PENDING_TTL_MS });
    return renderConsentPage({
      requestId: id,
      action: DECISION_PATH,
      clientId: request.client.clientId,
      scopes: request.scopes,
      accounts: this.deps.users.records().map(({ user, mailbox }) => ({ user, messages: mailbox.size })),
      selectedUserId: this.hintedUser(request).user.id,
      loginHint: request.loginHint,
    });
  }

  /** The login_hint's account (an e-mail address or a user id) when known, else the demo user. */
  private hintedUser(request: AuthorizationRequest): UserRecord {
    return (request.loginHint && this.deps.users.find(request.loginHint)) || this.deps.users.demo();
  }
}

/** The rest of the consent URL, once the redirect URI is trusted: errors go back to the client. */
function parseRequest(
  query: URLSearchParams,
  client: OAuthClientRegistration,
  redirectUri: string,
): { request: AuthorizationRequest } | { error: string; description: string } {
  const fail = (error: string, description: string) => ({ error, description });
  const responseType = query.get('response_type');
  if (!responseType) return fail('invalid_request', 'Required parameter is missing: response_type');
  if (responseType !== 'code') {
    return fail('unsupported_response_type', `Invalid response_type: ${responseType}`);
  }
  const scopes = parseScopes(query.get('scope') ?? '');
  if (scopes.length === 0) return fail('invalid_request', 'Missing required parameter: scope');
  const unknown = scopes.filter((scope) => !isKnownScope(scope));
  if (unknown.length > 0) {
    return fail('invalid_scope', `Some requested scopes were invalid. {invalid=[${unknown}]}`);
  }
  const challenge = query.get('code_challenge');
  const method = query.get('code_challenge_method');
  if (method !== null && challenge === null) {
    return fail('invalid_request', 'code_challenge_method without code_challenge');
  }
  if (challenge !== null && !PKCE_VALUE.test(challenge)) {
    return fail('invalid_request', 'Invalid code_challenge');
  }
  if (method !== null && method !== 'S256' && method !== 'plain') {
    return fail('invalid_request', `Invalid code_challenge_method: ${method}`);
  }
  const accessType = query.get('access_type') ?? 'online';
  if (accessType !== 'online' && accessType !== 'offline') {
    return fail('invalid_request', `Invalid access_type: ${accessType}`);
  }
  const prompt = new Set((query.get('prompt') ?? '').split(' ').filter(Boolean));
  const badPrompt = [...prompt].find((p) => !PROMPTS.has(p));
  if (badPrompt !== undefined) return fail('invalid_request', `Invalid prompt: ${badPrompt}`);
  if (prompt.has('none') && prompt.size > 1) {
    return fail('invalid_request', 'prompt=none cannot be combined with other values');
  }
  return {
    request: {
      client,
      redirectUri,
      scopes,
      state: query.get('state'),
      // Like Google: a challenge without a method is a plain one.
      ...(challenge !== null
        ? { codeChallenge: challenge, codeChallengeMethod: method === 'S256' ? 'S256' : 'plain' }
        : {}),
      offline: accessType === 'offline',
      prompt,
      loginHint: query.get('login_hint'),
      includeGrantedScopes: query.get('include_granted_scopes') === 'true',
    },
  };
}

function redirectWith(redirectUri: string, params: Record<string, string | null>): Reply {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value);
  return redirect(url.href);
}
