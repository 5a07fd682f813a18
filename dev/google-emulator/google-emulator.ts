import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  batchAnswer,
  MAX_BATCH_PARTS,
  parseBatchRequest,
  tooManyParts,
  type BatchAnswerPart,
  type BatchRequestPart,
} from './batch';
import { DECISION_PATH, ConsentEndpoint } from './consent';
import { CONTROL_PREFIX, handleAvatar, handleControl } from './control';
import { FaultInjector, faultReply, stall } from './faults';
import { GmailEndpoints } from './gmail';
import {
  apiError,
  DEFAULT_PROJECT_NUMBER,
  invalidArgument,
  notFound,
  tooManyConcurrentRequests,
} from './google-errors';
import { renderCallbackEcho } from './home-page';
import { bearerToken, BodyTooLargeError, json, readBody, type Reply } from './http';
import { InFlightCounter } from './in-flight';
import { jwkCerts, pemCerts } from './id-token';
import { OAuthEndpoints } from './oauth';
import { OAuthStore } from './oauth-store';
import { PageTokenCodec } from './page-token';
import { QuotaMeter } from './quota';
import { DEFAULT_SEED } from './random';
import { loggableQuery, RequestLog } from './request-log';
import { StateFile } from './state-file';
import type { RequestContext } from './request-context';
import type {
  ConsentDecision,
  EmulatorUser,
  EndpointName,
  FaultSpec,
  GoogleEmulator,
  GoogleEmulatorOptions,
  LabelChange,
  LatencySpec,
  MessageSummary,
  NewUser,
  OAuthClientRegistration,
  QuotaOptions,
  QuotaUsage,
  RecordedRequest,
  UnservedFault,
} from './types';
import { GMAIL_METHODS } from './types';
import { UserDirectory } from './users';

export const DEFAULT_CLIENT_ID = 'local-client-id.apps.googleusercontent.com';
export const DEFAULT_CLIENT_SECRET = 'local-client-secret';
export const CALLBACK_ECHO_PATH = '/oauth/callback-echo';

/** Starts a Google emulator listening on loopback (a free port unless `port` is given). */
export async function startGoogleEmulator(options: GoogleEmulatorOptions = {}): Promise<GoogleEmulator> {
  const emulator = new HttpGoogleEmulator(options);
  await emulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return emulator;
}

interface Route {
  readonly endpoint: RecordedRequest['endpoint'];
  /** messages.get: the id in the path, for message-specific faults and the log. */
  readonly messageId?: string;
  handle(ctx: RequestContext): Reply;
}

const MESSAGES_PATH = /^\/gmail\/v1\/users\/([^/]+)\/messages$/;
const MESSAGE_PATH = /^\/gmail\/v1\/users\/([^/]+)\/messages\/([^/]+)$/;
const ATTACHMENT_PATH = /^\/gmail\/v1\/users\/([^/]+)\/messages\/([^/]+)\/attachments\/([^/]+)$/;
const THREADS_PATH = /^\/gmail\/v1\/users\/([^/]+)\/threads$/;
const THREAD_PATH = /^\/gmail\/v1\/users\/([^/]+)\/threads\/([^/]+)$/;
const LABELS_PATH = /^\/gmail\/v1\/users\/([^/]+)\/labels$/;
const LABEL_PATH = /^\/gmail\/v1\/users\/([^/]+)\/labels\/([^/]+)$/;
const GMAIL_ENDPOINTS: ReadonlySet<string> = new Set(GMAIL_METHODS);
const BATCH_PATHS: ReadonlySet<string> = new Set(['/batch/gmail/v1', '/batch']);

/** One emulator: an HTTP server plus the state of its OAuth server and mailboxes. Lives until stop(). */
class HttpGoogleEmulator implements GoogleEmulator {
  private readonly server: Server;
  private readonly now: () => number;
  private readonly directory: UserDirectory;
  private readonly store: OAuthStore;
  private readonly faults: FaultInjector;
  private readonly log: RequestLog;
  private readonly consent: ConsentEndpoint;
  private readonly oauth: OAuthEndpoints;
  private readonly gmail: GmailEndpoints;
  private readonly quota: QuotaMeter;
  private readonly load: InFlightCounter;
  private readonly stateFile: StateFile | undefined;
  readonly projectNumber: string;
  /** Aborts pending latency waits on stop(), so no timer outlives the emulator. */
  private readonly shutdown = new AbortController();
  private stopping: Promise<void> | undefined;
  private baseUrl = '';
  private client: OAuthClientRegistration | undefined;

  constructor(private readonly options: GoogleEmulatorOptions) {
    const seed = options.seed ?? DEFAULT_SEED;
    this.now = options.now ?? Date.now;
    this.directory = new UserDirectory(seed);
    for (const user of options.users ?? []) this.directory.add(user);
    this.store = new OAuthStore(this.now, {
      accessTokenTtlMs: (options.accessTokenTtlSeconds ?? 3600) * 1000,
      codeTtlMs: (options.codeTtlSeconds ?? 600) * 1000,
      rotateRefreshTokens: options.rotateRefreshTokens ?? false,
    });
    if (options.stateFile !== undefined) {
      this.stateFile = new StateFile(options.stateFile, this.directory, this.store);
      this.stateFile.load();
    }
    this.faults = new FaultInjector(seed);
    this.quota = new QuotaMeter(this.now, options.quota);
    this.load = new InFlightCounter(options.maxConcurrentPerUser);
    this.projectNumber = options.projectNumber ?? DEFAULT_PROJECT_NUMBER;
    this.log = new RequestLog(options.requestLogLimit);
    this.consent = new ConsentEndpoint({
      store: this.store,
      users: this.directory,
      mode: options.consentMode ?? 'auto',
      now: this.now,
    });
    this.oauth = new OAuthEndpoints({
      store: this.store,
      users: this.directory,
      now: this.now,
      baseUrl: () => this.baseUrl,
    });
    this.gmail = new GmailEndpoints({
      store: this.store,
      users: this.directory,
      pageTokens: new PageTokenCodec(),
      quota: this.quota,
    });
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    const wildcard = host === '0.0.0.0' || host === '::';
    const shownHost = wildcard ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    this.baseUrl = `http://${shownHost}:${address.port}`;
    const clients = this.options.clients?.length
      ? this.options.clients
      : [
          {
            clientId: DEFAULT_CLIENT_ID,
            clientSecret: DEFAULT_CLIENT_SECRET,
            redirectUris: [`${this.baseUrl}${CALLBACK_ECHO_PATH}`],
          },
        ];
    for (const client of clients) this.registerClient(client);
    this.client = clients[0];
  }

  get url(): string {
    return this.baseUrl;
  }

  get endpoints(): GoogleEmulator['endpoints'] {
    return {
      authUrl: `${this.baseUrl}/o/oauth2/v2/auth`,
      tokenUrl: `${this.baseUrl}/token`,
      revokeUrl: `${this.baseUrl}/revoke`,
      tokenInfoUrl: `${this.baseUrl}/tokeninfo`,
      apiRootUrl: `${this.baseUrl}/`,
    };
  }

  get demoUser(): EmulatorUser {
    return { ...this.directory.demo().user };
  }

  get users(): EmulatorUser[] {
    return this.directory.all();
  }

  get defaultClient(): OAuthClientRegistration {
    if (!this.client) throw new Error('the emulator is not listening yet');
    return { ...this.client, redirectUris: [...this.client.redirectUris] };
  }

  get requests(): ReadonlyArray<RecordedRequest> {
    return this.log.snapshot();
  }

  addUser(user: NewUser): EmulatorUser {
    const added = { ...this.directory.add(user).user };
    this.persist();
    return added;
  }

  registerClient(client: OAuthClientRegistration): void {
    if (!client.clientId || !client.clientSecret) {
      throw new Error('a client needs a clientId and a clientSecret');
    }
    for (const uri of client.redirectUris) {
      if (!URL.canParse(uri)) throw new Error(`not an absolute redirect URI: ${uri}`);
    }
    this.store.registerClient(client);
  }

  setClientSecret(clientId: string, clientSecret: string): void {
    const client = this.store.client(clientId);
    if (!client) throw new Error(`unknown client: ${clientId}`);
    if (!clientSecret) throw new Error('a client needs a clientSecret');
    this.store.registerClient({ ...client, clientSecret });
    if (this.client?.clientId === clientId) this.client = { ...this.client, clientSecret };
  }

  setGmailEnabled(emailOrId: string, enabled: boolean): void {
    this.directory.require(emailOrId).gmailEnabled = enabled;
    this.persist();
  }

  setQuota(quota: QuotaOptions | null): void {
    this.quota.configure(quota);
  }

  quotaSpent(emailOrId: string): number {
    return this.quota.usage(this.directory.require(emailOrId).user.id).totalUnits;
  }

  usage(emailOrId: string): QuotaUsage {
    const id = this.directory.require(emailOrId).user.id;
    return {
      ...this.quota.usage(id),
      unitsPerMinute: this.quota.unitsPerMinute,
      inFlight: this.load.inFlight(id),
      peakInFlight: this.load.peak(id),
      maxConcurrentPerUser: this.load.maxPerUser,
    };
  }

  setMaxConcurrentPerUser(n: number | undefined): void {
    this.load.setLimit(n);
  }

  peakInFlight(emailOrId: string): number {
    return this.load.peak(this.directory.require(emailOrId).user.id);
  }

  resetUsage(emailOrId?: string): void {
    const id = emailOrId === undefined ? undefined : this.directory.require(emailOrId).user.id;
    this.quota.reset(id);
    this.load.resetPeaks(id);
  }

  nextConsent(decision: ConsentDecision): void {
    this.consent.queueDecision(decision);
  }

  revokeGrant(emailOrId: string): void {
    this.store.revokeUser(this.directory.require(emailOrId).user.id);
    this.persist();
  }

  expireAccessTokens(emailOrId?: string): void {
    this.store.expireAccessTokens(
      emailOrId === undefined ? undefined : this.directory.require(emailOrId).user.id,
    );
    this.persist();
  }

  injectFault(endpoint: EndpointName, fault: FaultSpec): void {
    this.faults.inject(endpoint, fault);
  }

  setLatency(endpoint: EndpointName | '*', latency: LatencySpec | null): void {
    this.faults.setLatency(endpoint, latency);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  unservedFaults(): UnservedFault[] {
    return this.faults.unserved();
  }

  deleteMessage(emailOrId: string, messageId: string): void {
    const { user, mailbox } = this.directory.require(emailOrId);
    if (!mailbox.delete(messageId)) throw new Error(`${user.email} has no message ${messageId}`);
  }

  modifyLabels(emailOrId: string, messageId: string, change: LabelChange): void {
    const { user, mailbox } = this.directory.require(emailOrId);
    if (!mailbox.modifyLabels(messageId, change))
      throw new Error(`${user.email} has no message ${messageId}`);
  }

  markRead(emailOrId: string, messageId: string, read: boolean): void {
    this.modifyLabels(emailOrId, messageId, read ? { remove: ['UNREAD'] } : { add: ['UNREAD'] });
  }

  setStarred(emailOrId: string, messageId: string, starred: boolean): void {
    this.modifyLabels(emailOrId, messageId, starred ? { add: ['STARRED'] } : { remove: ['STARRED'] });
  }

  messagesOf(emailOrId: string, options: { includeSpamTrash?: boolean } = {}): ReadonlyArray<MessageSummary> {
    const { mailbox } = this.directory.require(emailOrId);
    return mailbox.messages({ includeSpamTrash: options.includeSpamTrash ?? false }).map((m) => ({
      id: m.id,
      threadId: m.threadId,
      labelIds: [...m.labelIds],
      subject: m.subject,
      from: m.from,
      to: m.to,
      date: new Date(m.internalDate),
      snippet: m.snippet,
      sizeEstimate: m.sizeEstimate,
      historyId: m.historyId,
      features: [...m.features],
      ...(m.hostile !== undefined ? { hostile: m.hostile } : {}),
    }));
  }

  clearRequests(): void {
    this.log.clear();
  }

  count(endpoint: EndpointName, filter?: (r: RecordedRequest) => boolean): number {
    return this.log.count(endpoint, filter);
  }

  /** Writes the state file (when there is one) if anything changed; a failed write is logged, the answer goes on. */
  private persist(): void {
    try {
      this.stateFile?.save();
    } catch (error) {
      console.error('google emulator: could not write its state file', error);
    }
  }

  /** Closes keep-alive connections at once instead of waiting for clients to hang up. */
  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      this.shutdown.abort();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.stopping;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const at = this.now();
    const url = new URL(req.url ?? '/', this.baseUrl);
    const route = this.route(req.method ?? 'GET', url.pathname);
    const meta: RequestContext['meta'] = route.messageId !== undefined ? { messageId: route.messageId } : {};
    const record = (status: number): void =>
      this.log.record({
        endpoint: route.endpoint,
        method: req.method ?? 'GET',
        path: url.pathname,
        query: loggableQuery(url.searchParams),
        ...(formFields ? { formFields } : {}),
        status,
        ...meta,
        at,
        durationMs: performance.now() - started,
      });
    // Ends latency waits and stalls when the client hangs up before its answer, or when the emulator stops.
    const hungUp = new AbortController();
    res.once('close', () => {
      if (!res.writableEnded) hungUp.abort();
    });
    const signal = AbortSignal.any([this.shutdown.signal, hungUp.signal]);
    let reply: Reply;
    let formFields: string[] | undefined;
    try {
      const body = await readBody(req);
      formFields = formFieldNames(req, body);
      const ctx: RequestContext = { req, url, query: url.searchParams, body, meta };
      reply = await this.answer(route, ctx, signal);
    } catch (error) {
      // Stopping, or the client hung up: nobody is left to answer. Google saw the call, so the log keeps it.
      if (signal.aborted || req.destroyed) {
        res.destroy();
        record(0);
        return;
      }
      if (error instanceof BodyTooLargeError) {
        reply = json(413, { error: 'request body too large' });
      } else {
        console.error('google emulator: unexpected error', error);
        reply = apiError(500, 'Internal error encountered.', { reason: 'backendError' });
      }
    }
    // Consent, token and revoke answers change grants and tokens: on disk before the client hears of them.
    if (route.endpoint === 'auth' || route.endpoint === 'token' || route.endpoint === 'revoke') {
      this.persist();
    }
    res.writeHead(reply.status, reply.headers).end(reply.body);
    record(reply.status);
  }

  /**
   * A Gmail call counts as in flight for its whole life, latency and stalls included; one over the concurrency
   * limit is refused after its latency. Then an armed fault (stalled first, if asked) or the real answer.
   */
  private async answer(route: Route, ctx: RequestContext, signal: AbortSignal): Promise<Reply> {
    const endpoint = route.endpoint;
    if (endpoint === 'control' || endpoint === 'other') return route.handle(ctx);
    if (endpoint === 'batch') return this.answerBatch(ctx, signal);
    const userId = GMAIL_ENDPOINTS.has(endpoint) ? this.callerOf(ctx) : undefined;
    if (userId !== undefined) ctx.meta.userId = userId;
    const slot = userId !== undefined ? this.load.enter(userId) : undefined;
    try {
      await this.faults.delay(endpoint, signal);
      if (slot && !slot.admitted) return tooManyConcurrentRequests();
      const fault = this.faults.take(endpoint, route.messageId);
      if (!fault) return route.handle(ctx);
      await stall(fault, signal);
      return faultReply(endpoint, fault, this.projectNumber);
    } finally {
      slot?.leave();
    }
  }

  /**
   * Gmail's HTTP batch: every inner call goes through {@link answer} like a call of its own (quota, a
   * concurrency slot, its method's latency and faults, the same handler), all at once; the batch answers once
   * the slowest is done, plus the `batch` endpoint's own latency (none unless set). A fault armed on `batch`
   * fails the whole request instead. The batch's Authorization applies to every inner call without its own.
   */
  private async answerBatch(ctx: RequestContext, signal: AbortSignal): Promise<Reply> {
    const caller = this.callerOf(ctx);
    if (caller !== undefined) ctx.meta.userId = caller;
    const fault = this.faults.take('batch', undefined);
    if (fault) {
      await this.faults.delay('batch', signal);
      await stall(fault, signal);
      return faultReply('batch', fault, this.projectNumber);
    }
    const parsed = parseBatchRequest(ctx.req.headers['content-type'], ctx.body);
    if ('reply' in parsed) return parsed.reply;
    if (parsed.parts.length > MAX_BATCH_PARTS) return tooManyParts(parsed.parts.length);
    const answers = await Promise.all(parsed.parts.map((part) => this.answerPart(part, ctx, signal)));
    await this.faults.delay('batch', signal);
    return batchAnswer(answers);
  }

  /** One inner call of a batch, logged as its own method with `inBatch`. Only Gmail's methods are served. */
  private async answerPart(
    part: BatchRequestPart,
    batch: RequestContext,
    signal: AbortSignal,
  ): Promise<BatchAnswerPart> {
    const started = performance.now();
    const at = this.now();
    const url = URL.canParse(part.target, this.baseUrl) ? new URL(part.target, this.baseUrl) : undefined;
    const route = url ? this.route(part.method, url.pathname) : undefined;
    const gmail = route !== undefined && GMAIL_ENDPOINTS.has(route.endpoint) ? route : undefined;
    const meta: RequestContext['meta'] = gmail?.messageId !== undefined ? { messageId: gmail.messageId } : {};
    const authorization = part.headers.authorization ?? batch.req.headers.authorization;
    let reply: Reply;
    if (url === undefined) reply = invalidArgument('Invalid request target');
    else if (gmail === undefined) reply = notFound();
    else {
      const ctx: RequestContext = {
        req: { method: part.method, headers: authorization === undefined ? {} : { authorization } },
        url,
        query: url.searchParams,
        body: '',
        meta,
      };
      reply = await this.answer(gmail, ctx, signal);
    }
    this.log.record({
      endpoint: gmail?.endpoint ?? 'other',
      method: part.method,
      path: url?.pathname ?? part.target,
      query: url ? loggableQuery(url.searchParams) : {},
      status: reply.status,
      ...meta,
      inBatch: true,
      at,
      durationMs: performance.now() - started,
    });
    return { contentId: part.contentId, reply };
  }

  /** The user a live access token belongs to, without answering anything yet. */
  private callerOf(ctx: RequestContext): string | undefined {
    const value = bearerToken(ctx.req, ctx.query);
    return value ? this.store.liveAccessToken(value)?.grant.userId : undefined;
  }

  /** threads, labels and attachments; undefined for any other path. */
  private gmailRoute(path: string): Route | undefined {
    const segments = (match: RegExpExecArray): string[] => match.slice(1).map((s) => decodeSegment(s) ?? '');
    let match = ATTACHMENT_PATH.exec(path);
    if (match) {
      const [userId, messageId, attachmentId] = segments(match) as [string, string, string];
      return {
        endpoint: 'messages.attachments.get',
        messageId,
        handle: (ctx) => this.gmail.attachmentsGet(ctx, userId, messageId, attachmentId),
      };
    }
    if ((match = THREADS_PATH.exec(path))) {
      const [userId] = segments(match) as [string];
      return { endpoint: 'threads.list', handle: (ctx) => this.gmail.threadsList(ctx, userId) };
    }
    if ((match = THREAD_PATH.exec(path))) {
      const [userId, threadId] = segments(match) as [string, string];
      return { endpoint: 'threads.get', handle: (ctx) => this.gmail.threadsGet(ctx, userId, threadId) };
    }
    if ((match = LABELS_PATH.exec(path))) {
      const [userId] = segments(match) as [string];
      return { endpoint: 'labels.list', handle: (ctx) => this.gmail.labelsList(ctx, userId) };
    }
    if ((match = LABEL_PATH.exec(path))) {
      const [userId, labelId] = segments(match) as [string, string];
      return { endpoint: 'labels.get', handle: (ctx) => this.gmail.labelsGet(ctx, userId, labelId) };
    }
    return undefined;
  }

  private route(method: string, path: string): Route {
    const other = (handle: Route['handle']): Route => ({ endpoint: 'other', handle });
    if (path === '/' || path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) {
      return { endpoint: 'control', handle: (ctx) => handleControl(this, ctx) };
    }
    const gmailList = MESSAGES_PATH.exec(path);
    const gmailGet = MESSAGE_PATH.exec(path);
    switch (`${method} ${path}`) {
      case 'GET /o/oauth2/v2/auth':
      case 'GET /o/oauth2/auth':
        return { endpoint: 'auth', handle: (ctx) => this.consent.authorize(ctx) };
      case `POST ${DECISION_PATH}`:
        return { endpoint: 'auth', handle: (ctx) => this.consent.submit(ctx) };
      case 'POST /token':
      case 'POST /o/oauth2/token':
        return { endpoint: 'token', handle: (ctx) => this.oauth.token(ctx) };
      case 'POST /revoke':
      case 'GET /revoke':
      case 'POST /o/oauth2/revoke':
        return { endpoint: 'revoke', handle: (ctx) => this.oauth.revoke(ctx) };
      case 'GET /tokeninfo':
      case 'POST /tokeninfo':
      case 'GET /oauth2/v3/tokeninfo':
        return { endpoint: 'tokeninfo', handle: (ctx) => this.oauth.tokenInfo(ctx) };
      case 'GET /oauth2/v2/userinfo':
      case 'GET /oauth2/v1/userinfo':
        return { endpoint: 'userinfo', handle: (ctx) => this.oauth.userInfo(ctx, 'v2') };
      case 'GET /oauth2/v3/userinfo':
        return { endpoint: 'userinfo', handle: (ctx) => this.oauth.userInfo(ctx, 'v3') };
      case 'GET /oauth2/v1/certs':
        return other(() => json(200, pemCerts(), { 'cache-control': 'public, max-age=3600' }));
      case 'GET /oauth2/v3/certs':
        return other(() => json(200, jwkCerts(), { 'cache-control': 'public, max-age=3600' }));
      case `GET ${CALLBACK_ECHO_PATH}`:
        return other((ctx) =>
          renderCallbackEcho(
            ctx.query,
            this.endpoints.tokenUrl,
            `${this.baseUrl}${CALLBACK_ECHO_PATH}`,
            this.defaultClient,
            this.options.gatewayUrl,
          ),
        );
    }
    // Answered by answerBatch, which needs the inner calls' own routes.
    if (method === 'POST' && BATCH_PATHS.has(path)) return { endpoint: 'batch', handle: () => notFound() };
    if (method === 'GET' && path.startsWith('/avatar/')) return other((ctx) => handleAvatar(this, ctx));
    if (method === 'GET' && gmailList) {
      const userId = decodeSegment(gmailList[1]!);
      return { endpoint: 'messages.list', handle: (ctx) => this.gmail.list(ctx, userId ?? '') };
    }
    if (method === 'GET') {
      const gmail = this.gmailRoute(path);
      if (gmail) return gmail;
    }
    if (method === 'GET' && gmailGet) {
      const userId = decodeSegment(gmailGet[1]!);
      const messageId = decodeSegment(gmailGet[2]!) ?? '';
      return {
        endpoint: 'messages.get',
        messageId,
        handle: (ctx) => this.gmail.get(ctx, userId ?? '', messageId),
      };
    }
    return other(() => notFound());
  }
}

function formFieldNames(req: IncomingMessage, body: string): string[] | undefined {
  const type = req.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return undefined;
  return [...new Set(new URLSearchParams(body).keys())];
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
