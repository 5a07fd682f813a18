import { avatarSvg, renderHomePage } from './home-page';
import { GOOGLE_FAULTS, isGoogleFaultName } from './google-faults';
import { isRecord, json, parseJson, type Reply } from './http';
import type { RequestContext } from './request-context';
import {
  ENDPOINT_NAMES,
  type EndpointName,
  type FaultSpec,
  type GoogleEmulator,
  type NewUser,
  type LatencySpec,
  type QuotaOptions,
} from './types';

export const CONTROL_PREFIX = '/__emulator';

/**
 * The control API over HTTP (`/__emulator/*`), for a browser test or a person in local mode: the same
 * operations as the GoogleEmulator methods. JSON in and out; an HTML form post gets redirected back to the
 * home page instead. Browsers may call it cross-origin only from loopback origins.
 */
export function handleControl(emulator: GoogleEmulator, ctx: RequestContext): Reply {
  const reply = dispatch(emulator, ctx);
  return { ...reply, headers: { ...reply.headers, ...corsHeaders(ctx) } };
}

function dispatch(emulator: GoogleEmulator, ctx: RequestContext): Reply {
  const method = ctx.req.method ?? 'GET';
  const path = ctx.url.pathname.slice(CONTROL_PREFIX.length).replace(/\/$/, '');
  if (method === 'OPTIONS') return { status: 204, headers: {}, body: '' };
  // A page elsewhere could still post a form here without CORS; the Origin header gives it away.
  if (method !== 'GET' && ctx.req.headers.origin !== undefined && !isLoopbackOrigin(ctx.req.headers.origin)) {
    return json(403, { error: 'control requests are accepted from loopback origins only' });
  }
  if (method === 'GET' && path === '') return home(emulator, ctx.query.get('done') ?? undefined);
  try {
    const input = (): Record<string, unknown> => controlInput(ctx);
    switch (`${method} ${path}`) {
      case 'GET /requests':
        return json(200, { requests: emulator.requests });
      case 'DELETE /requests':
        emulator.clearRequests();
        return done(ctx, 'cleared the request log');
      case 'GET /users':
        return json(200, { users: emulator.users });
      case 'POST /users':
        return json(200, { user: emulator.addUser(newUser(input())) });
      case 'POST /gmail-enabled': {
        const body = input();
        const email = requiredString(body, 'email');
        const enabled = requiredBoolean(body, 'enabled');
        emulator.setGmailEnabled(email, enabled);
        return done(ctx, `${enabled ? 'enabled' : 'disabled'} Gmail for ${email}`);
      }
      case 'POST /client-secret': {
        const body = input();
        const clientId = requiredString(body, 'clientId');
        emulator.setClientSecret(clientId, requiredString(body, 'clientSecret'));
        return done(ctx, `set a new client secret for ${clientId}`);
      }
      case 'GET /usage': {
        const email = ctx.query.get('email');
        if (email) return json(200, { email, usage: emulator.usage(email) });
        return json(200, {
          users: emulator.users.map((user) => ({
            email: user.email,
            id: user.id,
            usage: emulator.usage(user.id),
          })),
        });
      }
      case 'DELETE /usage': {
        const email = ctx.query.get('email') ?? optionalString(input(), 'email');
        emulator.resetUsage(email ?? undefined);
        return done(ctx, email ? `reset the usage of ${email}` : 'reset everyone’s usage');
      }
      case 'POST /quota': {
        const quota = quotaInput(input());
        emulator.setQuota(quota);
        return done(
          ctx,
          quota?.unitsPerMinute !== undefined
            ? `quota: ${quota.unitsPerMinute} units per minute`
            : 'quota not enforced',
        );
      }
      case 'POST /concurrency': {
        const limit = optionalNumber(input(), 'maxConcurrentPerUser');
        emulator.setMaxConcurrentPerUser(limit);
        return done(
          ctx,
          limit !== undefined ? `at most ${limit} Gmail calls in flight per user` : 'no concurrency limit',
        );
      }
      case 'POST /revoke': {
        const email = requiredString(input(), 'email');
        emulator.revokeGrant(email);
        return done(ctx, `revoked every grant of ${email}`);
      }
      case 'POST /expire-access-tokens': {
        const email = optionalString(input(), 'email');
        emulator.expireAccessTokens(email);
        return done(ctx, email ? `expired the access tokens of ${email}` : 'expired every access token');
      }
      case 'POST /faults': {
        const { endpoint, fault } = faultInput(input());
        emulator.injectFault(endpoint, fault);
        return done(ctx, `armed a ${fault.status} fault on ${endpoint}`);
      }
      case 'GET /messages': {
        const email = ctx.query.get('email');
        if (!email) throw new Error('email is required');
        return json(200, {
          messages: emulator.messagesOf(email, {
            includeSpamTrash: ctx.query.get('includeSpamTrash') === 'true',
          }),
        });
      }
      case 'POST /messages/labels': {
        const body = input();
        const email = requiredString(body, 'email');
        const messageId = requiredString(body, 'messageId');
        const change = { add: labelList(body, 'add'), remove: labelList(body, 'remove') };
        emulator.modifyLabels(email, messageId, change);
        return done(ctx, `changed the labels of ${messageId}`);
      }
      case 'POST /messages/read': {
        const body = input();
        const messageId = requiredString(body, 'messageId');
        const read = requiredBoolean(body, 'read');
        emulator.markRead(requiredString(body, 'email'), messageId, read);
        return done(ctx, `marked ${messageId} ${read ? 'read' : 'unread'}`);
      }
      case 'POST /messages/star': {
        const body = input();
        const messageId = requiredString(body, 'messageId');
        const starred = requiredBoolean(body, 'starred');
        emulator.setStarred(requiredString(body, 'email'), messageId, starred);
        return done(ctx, `${starred ? 'starred' : 'unstarred'} ${messageId}`);
      }
      case 'DELETE /faults':
      case 'POST /faults/clear':
        emulator.clearFaults();
        return done(ctx, 'cleared faults and latency');
      case 'POST /latency': {
        const body = input();
        const endpoint = requiredString(body, 'endpoint');
        if (endpoint !== '*') endpointName(endpoint);
        emulator.setLatency(endpoint as EndpointName | '*', latencyInput(body));
        return done(ctx, `set the latency of ${endpoint}`);
      }
      case 'POST /next-consent': {
        const body = input();
        const deniedScopes = body['deniedScopes'];
        emulator.nextConsent({
          ...(optionalString(body, 'email') !== undefined ? { email: optionalString(body, 'email')! } : {}),
          ...(Array.isArray(deniedScopes) ? { deniedScopes: deniedScopes.map(String) } : {}),
          ...(body['deny'] === true || body['deny'] === 'true' ? { deny: true } : {}),
        });
        return done(ctx, 'queued a consent decision');
      }
      default:
        return json(404, { error: `no control ${method} ${CONTROL_PREFIX}${path}` });
    }
  } catch (error) {
    return json(400, { error: error instanceof Error ? error.message : String(error) });
  }
}

/** `GET /avatar/<id>.svg` */
export function handleAvatar(emulator: GoogleEmulator, ctx: RequestContext): Reply {
  const id = /^\/avatar\/(\d+)\.svg$/.exec(ctx.url.pathname)?.[1];
  const user = emulator.users.find((u) => u.id === id);
  return user ? avatarSvg(user) : json(404, { error: 'no such avatar' });
}

function home(emulator: GoogleEmulator, doneMessage: string | undefined): Reply {
  const sizes = new Map(emulator.users.map((user) => [user.id, emulator.messagesOf(user.id).length]));
  return renderHomePage(emulator, sizes, doneMessage);
}

/** JSON for scripts; a browser's form post goes back to the home page, which shows what was done. */
function done(ctx: RequestContext, message: string): Reply {
  const fromForm = (ctx.req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
  if (fromForm && (ctx.req.headers.accept ?? '').includes('text/html')) {
    return {
      status: 303,
      headers: { location: `${CONTROL_PREFIX}?done=${encodeURIComponent(message)}` },
      body: '',
    };
  }
  return json(200, { ok: true, done: message });
}

/** A JSON object, or form fields as strings. */
function controlInput(ctx: RequestContext): Record<string, unknown> {
  if ((ctx.req.headers['content-type'] ?? '').includes('json')) {
    const parsed = parseJson(ctx.body);
    if (!isRecord(parsed)) throw new Error('expected a JSON object');
    return parsed;
  }
  return Object.fromEntries(new URLSearchParams(ctx.body));
}

function optionalString(input: Record<string, unknown>, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`${key} must be a string`);
  return value;
}

function requiredString(input: Record<string, unknown>, key: string): string {
  const value = optionalString(input, key);
  if (value === undefined) throw new Error(`${key} is required`);
  return value;
}

/** Numbers may arrive as JSON numbers or form strings; "Infinity" is accepted because JSON has no Infinity. */
function optionalNumber(input: Record<string, unknown>, key: string): number | undefined {
  const value = input[key];
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (Number.isNaN(n)) throw new Error(`${key} must be a number`);
  return n;
}

/** A JSON array of label ids, or a comma-separated form field. */
function labelList(input: Record<string, unknown>, key: string): string[] {
  const value = input[key];
  if (value === undefined || value === null || value === '') return [];
  if (typeof value === 'string')
    return value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  throw new Error(`${key} must be a list of label ids`);
}

function requiredBoolean(input: Record<string, unknown>, key: string): boolean {
  const value = input[key];
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`${key} must be true or false`);
}

function endpointName(value: string): EndpointName {
  const endpoint = ENDPOINT_NAMES.find((name) => name === value);
  if (!endpoint) throw new Error(`endpoint must be one of ${ENDPOINT_NAMES.join(', ')}`);
  return endpoint;
}

/**
 * `{ endpoint, kind?, status?, times?, reason?, message?, retryAt?, stallMs?, retryAfterSeconds?, messageId? }`
 * or `{ endpoint, fault: {...} }`. `kind` names a GOOGLE_FAULTS preset; the other fields override it. `retryAt`
 * is an ISO time or epoch ms; `stallMs` and `times` accept "Infinity".
 */
function faultInput(input: Record<string, unknown>): { endpoint: EndpointName; fault: FaultSpec } {
  const endpoint = endpointName(requiredString(input, 'endpoint'));
  const source = isRecord(input['fault']) ? input['fault'] : input;
  const kind = optionalString(source, 'kind');
  if (kind !== undefined && !isGoogleFaultName(kind)) {
    throw new Error(`kind must be one of ${Object.keys(GOOGLE_FAULTS).join(', ')}`);
  }
  const preset: Partial<FaultSpec> = kind !== undefined ? GOOGLE_FAULTS[kind] : {};
  const status = optionalNumber(source, 'status') ?? preset.status;
  if (status === undefined) throw new Error('status (or kind) is required');
  const fields: Partial<FaultSpec> = {
    times: optionalNumber(source, 'times'),
    reason: optionalString(source, 'reason'),
    message: optionalString(source, 'message'),
    retryAt: optionalTime(source, 'retryAt'),
    stallMs: optionalNumber(source, 'stallMs'),
    retryAfterSeconds: optionalNumber(source, 'retryAfterSeconds'),
    messageId: optionalString(source, 'messageId'),
  };
  const given = Object.entries(fields).filter(([, value]) => value !== undefined);
  return { endpoint, fault: { ...preset, ...Object.fromEntries(given), status } };
}

/** ISO time or epoch ms. */
function optionalTime(input: Record<string, unknown>, key: string): number | undefined {
  const value = input[key];
  if (value === undefined || value === null || value === '') return undefined;
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new Error(`${key} must be an ISO time or epoch ms`);
  return ms;
}

/** `{ unitsPerMinute?, costs?, windowMs? }`, or `{ quota: null }` to stop enforcing. */
function quotaInput(input: Record<string, unknown>): QuotaOptions | null {
  if ('quota' in input && input['quota'] === null) return null;
  const source = isRecord(input['quota']) ? input['quota'] : input;
  const unitsPerMinute = optionalNumber(source, 'unitsPerMinute');
  const windowMs = optionalNumber(source, 'windowMs');
  const costs = source['costs'];
  if (costs !== undefined && !isRecord(costs)) throw new Error('costs must be an object of method: units');
  return {
    ...(unitsPerMinute !== undefined ? { unitsPerMinute } : {}),
    ...(windowMs !== undefined ? { windowMs } : {}),
    ...(costs !== undefined
      ? { costs: Object.fromEntries(Object.entries(costs).map(([k, v]) => [k, Number(v)])) }
      : {}),
  };
}

/** `{ endpoint, latency: {...} | null }` or the latency's fields at the top level. */
function latencyInput(input: Record<string, unknown>): LatencySpec | null {
  const source = 'latency' in input ? input['latency'] : input;
  if (source === null) return null;
  if (!isRecord(source)) throw new Error('latency must be an object or null');
  const number = (key: string): number => {
    const n = optionalNumber(source, key);
    if (n === undefined) throw new Error(`${key} is required`);
    return n;
  };
  switch (source['distribution']) {
    case 'fixed':
      return { distribution: 'fixed', ms: number('ms') };
    case 'uniform':
      return { distribution: 'uniform', minMs: number('minMs'), maxMs: number('maxMs') };
    case 'lognormal':
      return { distribution: 'lognormal', medianMs: number('medianMs'), sigma: number('sigma') };
    default:
      throw new Error('distribution must be fixed, uniform or lognormal');
  }
}

function newUser(input: Record<string, unknown>): NewUser {
  const name = optionalString(input, 'name');
  const messages = optionalNumber(input, 'messages');
  const gmailEnabled =
    input['gmailEnabled'] === undefined ? undefined : requiredBoolean(input, 'gmailEnabled');
  return {
    email: requiredString(input, 'email'),
    ...(name !== undefined ? { name } : {}),
    ...(messages !== undefined ? { messages } : {}),
    ...(gmailEnabled !== undefined ? { gmailEnabled } : {}),
  };
}

/** Loopback origins only: a page on the internet must not drive (or read) a developer's emulator. */
function corsHeaders(ctx: RequestContext): Record<string, string> {
  const origin = ctx.req.headers.origin;
  if (!origin || !isLoopbackOrigin(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
    'access-control-allow-headers': 'content-type',
    vary: 'origin',
  };
}

function isLoopbackOrigin(origin: string): boolean {
  return /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(origin);
}
