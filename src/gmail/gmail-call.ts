import { GatewayError } from '../errors';
import { classifyGoogleError } from '../upstream/google-errors';
import type { CursorScope } from './message-cursor';
import type { ListCall } from './page-position';

// What every Gmail call of GmailClient shares and is not the call itself: the list parameters, the abandon-on-
// abort race, and what "Gmail has no such thing" looks like. Pure helpers, no state.

/**
 * Settles with `promise`, or rejects as soon as `signal` aborts. What is still running (a token refresh shared
 * with the user's other requests, which the signal does not reach) finishes in the background, bounded by its
 * own timeout.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  let abandon = (): void => undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    abandon = () => reject(signal.reason as Error);
    if (signal.aborted) abandon();
    else signal.addEventListener('abort', abandon, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener('abort', abandon));
}

/** The list parameters shared by messages.list and threads.list. */
export function listParams(scope: CursorScope, list: ListCall) {
  return {
    maxResults: list.maxResults,
    includeSpamTrash: scope.includeSpamTrash,
    ...(scope.query === '' ? {} : { q: scope.query }),
    ...(scope.labelIds.length === 0 ? {} : { labelIds: [...scope.labelIds] }),
    ...(list.pageToken === null ? {} : { pageToken: list.pageToken }),
  };
}

/**
 * A read by id of something Gmail may not have: 404 is null, not a failure of the whole answer. So is a 400:
 * in these reads everything but the id is the gateway's own (format, headers), so Gmail's 400 ("Invalid id
 * value") means an id that cannot name anything, which a client may well send.
 */
export async function orNullWhenNotFound<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    const kind = classifyGoogleError(error);
    if (kind.kind === 'notFound' || (kind.kind === 'client' && kind.status === 400)) return null;
    throw error;
  }
}
