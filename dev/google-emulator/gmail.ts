import {
  apiError,
  MAIL_SERVICE_NOT_ENABLED,
  preconditionFailed,
  userRateLimitExceeded,
  forbidden,
  insufficientScopes,
  invalidArgument,
  invalidCredentials,
  loginRequired,
  notFound,
} from './google-errors';
import { bearerToken, json, type Reply } from './http';
import type { MessageFilter } from './mailbox';
import type { StoredMessage } from './message';
import { SYSTEM_LABELS } from './gmail-query';
import { maxHistoryId } from './mailbox';
import { USER_LABELS } from './mailbox-content';
import { attachmentsOf, buildRawMessage, fullPayload } from './mime';
import type { OAuthStore } from './oauth-store';
import type { PageTokenCodec } from './page-token';
import type { QuotaMeter } from './quota';
import type { RequestContext } from './request-context';
import { gmailAccess, type GmailAccess } from './scopes';
import type { GmailMethod } from './types';
import type { UserDirectory, UserRecord } from './users';

const DEFAULT_MAX_RESULTS = 100;
const MAX_MAX_RESULTS = 500;
const MESSAGE_ID = /^[0-9a-f]{1,16}$/i;
const FORMATS = new Set(['minimal', 'metadata', 'full', 'raw']);
const THREAD_FORMATS = new Set(['minimal', 'metadata', 'full']);
/** Gmail's system labels as labels.list shows them; the ones without visibilities have none in Gmail either. */
const SYSTEM_LABEL_VISIBILITY: Readonly<Record<string, { message?: string; label?: string }>> = {
  CHAT: { message: 'hide', label: 'labelHide' },
  SPAM: { message: 'hide', label: 'labelHide' },
  TRASH: { message: 'hide', label: 'labelHide' },
  IMPORTANT: { message: 'hide', label: 'labelShow' },
  STARRED: { message: 'hide', label: 'labelShow' },
  UNREAD: { message: 'hide', label: 'labelShow' },
};

/** users.messages.list/get, messages.attachments.get, threads.list/get, labels.list/get. One per emulator. */
export class GmailEndpoints {
  constructor(
    private readonly deps: {
      readonly store: OAuthStore;
      readonly users: UserDirectory;
      readonly pageTokens: PageTokenCodec;
      readonly quota: QuotaMeter;
    },
  ) {}

  list(ctx: RequestContext, userIdParam: string): Reply {
    const caller = this.authorize(ctx, userIdParam, 'messages.list');
    if ('reply' in caller) return caller.reply;
    const parsed = listFilter(ctx, caller.access);
    if ('reply' in parsed) return parsed.reply;
    const { filter, maxResults } = parsed;
    const { query } = ctx;
    // Page tokens are bound to the user and the search; maxResults may change between pages.
    const scope = JSON.stringify([
      caller.record.user.id,
      filter.q,
      [...filter.labelIds].sort(),
      filter.includeSpamTrash,
    ]);
    const pageToken = query.get('pageToken');
    const afterRank = pageToken ? this.deps.pageTokens.decode(scope, pageToken) : -1;
    if (afterRank === null) return invalidArgument('Invalid pageToken');
    const page = caller.record.mailbox.list(filter, afterRank, maxResults);
    const last = page.messages[page.messages.length - 1];
    return json(200, {
      ...(page.messages.length > 0
        ? { messages: page.messages.map((m) => ({ id: m.id, threadId: m.threadId })) }
        : {}),
      ...(page.hasMore && last ? { nextPageToken: this.deps.pageTokens.encode(scope, last.rank) } : {}),
      resultSizeEstimate: page.hasMore ? overEstimate(page.total) : page.total,
    });
  }

  get(ctx: RequestContext, userIdParam: string, messageId: string): Reply {
    const caller = this.authorize(ctx, userIdParam, 'messages.get');
    if ('reply' in caller) return caller.reply;
    const format = (ctx.query.get('format') ?? 'full').toLowerCase();
    if (!FORMATS.has(format)) return badValue('format', 'TYPE_ENUM', ctx.query.get('format'));
    if (caller.access === 'metadata' && (format === 'full' || format === 'raw')) {
      return forbidden(`Metadata scope doesn't allow format ${format.toUpperCase()}`);
    }
    if (!MESSAGE_ID.test(messageId)) return invalidArgument('Invalid id value');
    const message = caller.record.mailbox.get(messageId);
    if (!message) return notFound();
    const wanted = ctx.query.getAll('metadataHeaders').flatMap((value) => value.split(',').filter(Boolean));
    return json(200, messageResource(message, format, wanted));
  }

  threadsList(ctx: RequestContext, userIdParam: string): Reply {
    const caller = this.authorize(ctx, userIdParam, 'threads.list');
    if ('reply' in caller) return caller.reply;
    const parsed = listFilter(ctx, caller.access);
    if ('reply' in parsed) return parsed.reply;
    const { filter, maxResults } = parsed;
    const scope = JSON.stringify([
      'threads',
      caller.record.user.id,
      filter.q,
      [...filter.labelIds].sort(),
      filter.includeSpamTrash,
    ]);
    const pageToken = ctx.query.get('pageToken');
    const afterRank = pageToken ? this.deps.pageTokens.decode(scope, pageToken) : -1;
    if (afterRank === null) return invalidArgument('Invalid pageToken');
    const page = caller.record.mailbox.listThreads(filter, afterRank, maxResults);
    const last = page.threads[page.threads.length - 1];
    return json(200, {
      ...(page.threads.length > 0
        ? {
            threads: page.threads.map((t) => ({ id: t.id, snippet: t.head.snippet, historyId: t.historyId })),
          }
        : {}),
      ...(page.hasMore && last ? { nextPageToken: this.deps.pageTokens.encode(scope, last.head.rank) } : {}),
      resultSizeEstimate: page.hasMore ? overEstimate(page.total) : page.total,
    });
  }

  threadsGet(ctx: RequestContext, userIdParam: string, threadId: string): Reply {
    const caller = this.authorize(ctx, userIdParam, 'threads.get');
    if ('reply' in caller) return caller.reply;
    const format = (ctx.query.get('format') ?? 'full').toLowerCase();
    if (!THREAD_FORMATS.has(format)) return badValue('format', 'TYPE_ENUM', ctx.query.get('format'));
    if (caller.access === 'metadata' && format === 'full') {
      return forbidden("Metadata scope doesn't allow format FULL");
    }
    if (!MESSAGE_ID.test(threadId)) return invalidArgument('Invalid id value');
    const messages = caller.record.mailbox.thread(threadId);
    if (messages.length === 0) return notFound();
    const wanted = ctx.query.getAll('metadataHeaders').flatMap((value) => value.split(',').filter(Boolean));
    return json(200, {
      id: threadId,
      historyId: maxHistoryId(messages),
      messages: messages.map((m) => messageResource(m, format, wanted)),
    });
  }

  labelsList(ctx: RequestContext, userIdParam: string): Reply {
    const caller = this.authorize(ctx, userIdParam, 'labels.list');
    if ('reply' in caller) return caller.reply;
    return json(200, { labels: [...SYSTEM_LABELS].map(systemLabel).concat(USER_LABELS.map(userLabel)) });
  }

  labelsGet(ctx: RequestContext, userIdParam: string, labelId: string): Reply {
    const caller = this.authorize(ctx, userIdParam, 'labels.get');
    if ('reply' in caller) return caller.reply;
    const user = USER_LABELS.find((label) => label.id === labelId);
    if (!user && !SYSTEM_LABELS.has(labelId)) return notFound();
    const label = user ? userLabel(user) : systemLabel(labelId);
    return json(200, { ...label, ...caller.record.mailbox.labelCounts(labelId) });
  }

  attachmentsGet(ctx: RequestContext, userIdParam: string, messageId: string, attachmentId: string): Reply {
    const caller = this.authorize(ctx, userIdParam, 'messages.attachments.get');
    if ('reply' in caller) return caller.reply;
    if (caller.access === 'metadata') return forbidden("Metadata scope doesn't allow attachments");
    if (!MESSAGE_ID.test(messageId)) return invalidArgument('Invalid id value');
    const message = caller.record.mailbox.get(messageId);
    if (!message) return notFound();
    const found = attachmentsOf(message).find((a) => a.id === attachmentId);
    if (!found) return invalidArgument('Invalid attachment token');
    return json(200, { size: found.leaf.bytes.length, data: found.leaf.bytes.toString('base64url') });
  }

  /**
   * A live access token with a Gmail read scope, asking for its own mailbox ('me' or its address), of an
   * account with Gmail and units left. The call is charged from the quota check on, whatever it answers then
   * (Google counts a 404 like a 200).
   */
  private authorize(
    ctx: RequestContext,
    userIdParam: string,
    method: GmailMethod,
  ): { record: UserRecord; access: Exclude<GmailAccess, 'none'> } | { reply: Reply } {
    const value = bearerToken(ctx.req, ctx.query);
    if (!value) return { reply: loginRequired() };
    const token = this.deps.store.liveAccessToken(value);
    if (!token) return { reply: invalidCredentials() };
    ctx.meta.userId = token.grant.userId;
    ctx.meta.clientId = token.grant.clientId;
    const access = gmailAccess(token.scopes);
    if (access === 'none') return { reply: insufficientScopes(method) };
    const record = this.deps.users.require(token.grant.userId);
    const own = userIdParam === 'me' || userIdParam.toLowerCase() === record.user.email.toLowerCase();
    if (!own) return { reply: forbidden(`Delegation denied for ${record.user.email}`) };
    if (!record.gmailEnabled) return { reply: preconditionFailed(MAIL_SERVICE_NOT_ENABLED) };
    const charge = this.deps.quota.charge(record.user.id, method);
    if ('retryAt' in charge) return { reply: userRateLimitExceeded(charge.retryAt) };
    return { record, access };
  }
}

/** q, labelIds, includeSpamTrash and maxResults of messages.list and threads.list, or Google's 400/403. */
function listFilter(
  ctx: RequestContext,
  access: Exclude<GmailAccess, 'none'>,
): { filter: MessageFilter; maxResults: number } | { reply: Reply } {
  const { query } = ctx;
  const q = query.get('q') ?? '';
  if (q !== '' && access === 'metadata') {
    return { reply: forbidden("Metadata scope does not support 'q' parameter") };
  }
  const includeSpamTrash = parseBool(query.get('includeSpamTrash'));
  if (includeSpamTrash === undefined) {
    return { reply: badValue('include_spam_trash', 'TYPE_BOOL', query.get('includeSpamTrash')) };
  }
  const maxResults = parseMaxResults(query.get('maxResults'));
  if (maxResults === undefined)
    return { reply: badValue('max_results', 'TYPE_UINT32', query.get('maxResults')) };
  const labelIds = query.getAll('labelIds').flatMap((value) => value.split(',').filter(Boolean));
  return { filter: { q: q.trim(), labelIds, includeSpamTrash }, maxResults };
}

function systemLabel(id: string): object {
  const visibility = SYSTEM_LABEL_VISIBILITY[id];
  return {
    id,
    name: id,
    ...(visibility?.message ? { messageListVisibility: visibility.message } : {}),
    ...(visibility?.label ? { labelListVisibility: visibility.label } : {}),
    type: 'system',
  };
}

function userLabel(label: (typeof USER_LABELS)[number]): object {
  return {
    id: label.id,
    name: label.name,
    messageListVisibility: 'show',
    labelListVisibility: 'labelShow',
    type: 'user',
    ...(label.color ? { color: { ...label.color } } : {}),
  };
}

/** Gmail's Message resource, keys in Gmail's order. */
function messageResource(message: StoredMessage, format: string, metadataHeaders: readonly string[]): object {
  const head = {
    id: message.id,
    threadId: message.threadId,
    labelIds: message.labelIds,
    snippet: message.snippet,
  };
  const tail = {
    sizeEstimate: message.sizeEstimate,
    historyId: message.historyId,
    internalDate: String(message.internalDate),
  };
  switch (format) {
    case 'minimal':
      return { ...head, ...tail };
    case 'metadata': {
      const wanted = new Set(metadataHeaders.map((name) => name.toLowerCase()));
      const headers =
        wanted.size === 0 ? message.headers : message.headers.filter((h) => wanted.has(h.name.toLowerCase()));
      return { ...head, payload: { mimeType: mimeTypeOf(message), headers }, ...tail };
    }
    case 'raw':
      return { ...head, ...tail, raw: Buffer.from(buildRawMessage(message), 'utf8').toString('base64url') };
    default:
      return { ...head, payload: fullPayload(message), ...tail };
  }
}

function mimeTypeOf(message: StoredMessage): string {
  return message.mime.kind === 'multipart' ? `multipart/${message.mime.subtype}` : message.mime.mimeType;
}

/**
 * Gmail's resultSizeEstimate is exact only on the last page. Before it, the emulator over-estimates the same way
 * every time: about a tenth more, rounded up to two significant digits (300 -> 330, 1000 -> 1100).
 */
function overEstimate(total: number): number {
  const over = total + Math.max(1, Math.ceil(total / 10));
  const step = 10 ** Math.max(0, Math.floor(Math.log10(over)) - 1);
  return Math.ceil(over / step) * step;
}

function parseBool(value: string | null): boolean | undefined {
  if (value === null || value === 'false') return false;
  return value === 'true' ? true : undefined;
}

/** 0 means unset (proto3), like Google; above 500 is clamped to 500, as Gmail answers at most 500. */
function parseMaxResults(value: string | null): number | undefined {
  if (value === null) return DEFAULT_MAX_RESULTS;
  if (!/^\d{1,10}$/.test(value) || Number(value) > 0xffffffff) return undefined;
  const n = Number(value);
  return n === 0 ? DEFAULT_MAX_RESULTS : Math.min(n, MAX_MAX_RESULTS);
}

/** Google's wording for a query parameter that does not parse. */
function badValue(field: string, type: string, value: string | null): Reply {
  const message = `Invalid value at '${field}' (${type}), "${value ?? ''}"`;
  return apiError(400, message, { reason: 'invalid' });
}
