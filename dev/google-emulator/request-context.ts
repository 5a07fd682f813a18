import type { IncomingMessage } from 'node:http';

/** One per request: what handlers read, and the metadata they leave for the request log. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly url: URL;
  readonly query: URLSearchParams;
  /** The whole body, read before dispatch ('' for none). */
  readonly body: string;
  /** Filled in by handlers as they learn who the request is about; never secrets. */
  readonly meta: { userId?: string; clientId?: string; grantType?: string; messageId?: string };
}
