import type { IncomingMessage } from 'node:http';

/** One per request: what handlers read, and the metadata they leave for the request log. */
export interface RequestContext {
  /** The HTTP request, or for a call inside a batch the inner request's method and headers. */
  readonly req: Pick<IncomingMessage, 'method' | 'headers'>;
  readonly url: URL;
  readonly query: URLSearchParams;
  /** The whole body, read before dispatch ('' for none). */
  readonly body: string;
  /** Filled in by handlers as they learn who the request is about; never secrets. */
  readonly meta: { userId?: string; clientId?: string; grantType?: string; messageId?: string };
}
