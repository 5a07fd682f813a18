/**
 * The client's URLs, so that every view can be bookmarked, reloaded and reached with Back:
 * - `/` the Inbox; `/label/<labelId>` any other label (e.g. `/label/STARRED`, `/label/Label_2`);
 * - `/search?q=<Gmail query>` a search over all mail;
 * - `/message/<messageId>` one message and its conversation;
 * - `/callback` Google's redirect target.
 */
export type Route =
  | { readonly kind: 'callback' }
  | { readonly kind: 'list'; readonly labelId: string | null; readonly query: string | null }
  | { readonly kind: 'message'; readonly id: string };

export const INBOX = 'INBOX';

export function routeOf(location: { readonly pathname: string; readonly search: string }): Route {
  const { pathname } = location;
  if (pathname === '/callback') return { kind: 'callback' };
  const message = /^\/message\/([^/]+)$/.exec(pathname);
  if (message?.[1] !== undefined) return { kind: 'message', id: decodeURIComponent(message[1]) };
  const label = /^\/label\/([^/]+)$/.exec(pathname);
  if (label?.[1] !== undefined) return { kind: 'list', labelId: decodeURIComponent(label[1]), query: null };
  if (pathname === '/search') {
    const query = new URLSearchParams(location.search).get('q')?.trim() ?? '';
    return query === ''
      ? { kind: 'list', labelId: INBOX, query: null }
      : { kind: 'list', labelId: null, query };
  }
  return { kind: 'list', labelId: INBOX, query: null };
}

export function labelPath(labelId: string): string {
  return labelId === INBOX ? '/' : `/label/${encodeURIComponent(labelId)}`;
}

export function searchPath(query: string): string {
  return `/search?${new URLSearchParams({ q: query }).toString()}`;
}

export function messagePath(id: string): string {
  return `/message/${encodeURIComponent(id)}`;
}
