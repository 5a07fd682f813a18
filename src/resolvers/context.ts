import type { AuthService } from '../auth/auth.service';
import type { Session } from '../auth/session.repository';
import type { MailboxService, UserMailbox } from '../gmail/mailbox.service';
import type { GmailBudget, RequestQuota } from '../quota/gmail-budget';

/** One per request: what resolvers may read. Services are shared; the session lookup is memoized here. */
export interface GatewayContext {
  /** Ours, made for every request (see http/request-id.ts). */
  readonly requestId: string;
  /** The caller's `x-request-id`, logged beside ours; null when none or not plain. */
  readonly clientRequestId: string | null;
  /** The bearer token sent, if any; never logged. */
  readonly bearerToken: string | null;
  readonly auth: AuthService;
  readonly mailbox: MailboxService;
  /** This request's share of the user's Gmail budget: its plan, reservation and what it spent. */
  readonly gmailQuota: RequestQuota;
  /** Aborts at the request's deadline or when the client hangs up; the request's Gmail calls run under it. */
  readonly signal: AbortSignal;
  /** The request's session, looked up once on first use; null without a valid one. */
  session(): Promise<Session | null>;
  /** The session, or UNAUTHENTICATED with a consent URL. */
  requireSession(): Promise<Session>;
  /** The session user's mailbox for this request (credential checked once), or the error that prevents it. */
  userMailbox(): Promise<UserMailbox>;
}

export function createRequestContext(options: {
  requestId: string;
  clientRequestId: string | null;
  authorization: string | undefined;
  auth: AuthService;
  mailbox: MailboxService;
  budget: GmailBudget;
  signal: AbortSignal;
}): GatewayContext {
  const bearerToken = parseBearer(options.authorization);
  let session: Promise<Session | null> | undefined;
  let mailbox: Promise<UserMailbox> | undefined;
  const context: GatewayContext = {
    requestId: options.requestId,
    clientRequestId: options.clientRequestId,
    bearerToken,
    auth: options.auth,
    mailbox: options.mailbox,
    gmailQuota: options.budget.openRequest(),
    signal: options.signal,
    session: () => (session ??= options.auth.authenticate(bearerToken)),
    requireSession: async () => {
      const found = await context.session();
      if (found === null) throw await options.auth.unauthenticatedError();
      return found;
    },
    userMailbox: () =>
      (mailbox ??= context
        .requireSession()
        .then((s) => options.mailbox.open(s, context.gmailQuota.meterFor(s.userId), options.signal))),
  };
  return context;
}

/** `Authorization: Bearer <token>`; anything else counts as no token. */
function parseBearer(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S{1,512})\s*$/i);
  return match?.[1] ?? null;
}
