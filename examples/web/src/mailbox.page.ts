import { NetworkStatus } from '@apollo/client';
import type { Page } from './app';
import { h } from './dom';
import { errorContent } from './error-banner';
import { gatewayErrorOf } from './gateway-error';
import { LabelsDocument, MessagesPageDocument } from './generated/graphql';
import { messageItems } from './message-list';
import { labelPath, routeOf, searchPath } from './routes';
import { mountShell } from './shell';

const PAGE_SIZE = 20;
const SYSTEM_TITLES: Readonly<Record<string, string>> = { INBOX: 'Inbox', STARRED: 'Starred', SENT: 'Sent' };

/**
 * Signed in, a list: the messages of one label (`/`, `/label/<id>`) or of a search (`/search?q=`), with
 * "Load more". The label and the search live in the URL, so both survive a reload and Back returns to them.
 */
export const mailboxPage: Page = (context) => {
  const { client, navigate } = context;
  const route = routeOf(window.location);
  const { labelId, query } = route.kind === 'list' ? route : { labelId: null, query: null };
  const shell = mountShell(context, labelId);

  const title = h('h1', { id: 'page-title', tabindex: '-1' }, titleOf(labelId, query));
  const searchInput = h('input', {
    id: 'search',
    type: 'search',
    name: 'q',
    placeholder: 'Search mail, e.g. is:unread',
    autocomplete: 'off',
    'data-testid': 'search-input',
  });
  searchInput.value = query ?? '';
  const searchForm = h(
    'form',
    { role: 'search', class: 'search', 'data-testid': 'search-form' },
    h('label', { for: 'search', class: 'visually-hidden' }, 'Search mail (Gmail search syntax)'),
    searchInput,
    h('button', { type: 'submit', 'data-testid': 'search-button' }, 'Search'),
  );
  const count = h('p', { class: 'count', role: 'status', 'data-testid': 'message-count' }, 'Loading…');
  const refresh = h('button', { type: 'button', class: 'quiet', 'data-testid': 'refresh-button' }, 'Refresh');
  const list = h('ol', { class: 'messages', 'aria-label': 'Messages', 'data-testid': 'message-list' });
  const loadMore = h(
    'button',
    { type: 'button', hidden: true, 'data-testid': 'load-more-button' },
    'Load more',
  );
  shell.main.prepend(title, searchForm, h('div', { class: 'toolbar' }, count, refresh));
  shell.main.append(list, loadMore);

  // A user label's name comes with the sidebar's labels; the heading shows the id until then.
  const labelsWatch = client
    .watchQuery({ query: LabelsDocument, fetchPolicy: 'cache-only' })
    .subscribe((r) => {
      if (r.dataState === 'complete') title.textContent = titleOf(labelId, query, r.data.labels);
    });

  // One watched query for the list: the cache's relayStylePagination policy merges the pages fetchMore
  // brings, and every change (first page, next page, refresh) comes back through this subscription.
  const messages = client.watchQuery({
    query: MessagesPageDocument,
    variables: { query, labelIds: labelId === null ? null : [labelId], first: PAGE_SIZE },
    notifyOnNetworkStatusChange: true,
  });
  const retry = () => void messages.refetch().catch(showError);
  const showError = (error: unknown) =>
    shell.alert.replaceChildren(...errorContent(gatewayErrorOf(error), { retry }));
  const subscription = messages.subscribe((result) => {
    const busy = result.loading;
    list.setAttribute('aria-busy', String(busy));
    searchForm.setAttribute('aria-busy', String(busy));
    if (result.error) showError(result.error);
    else if (!busy) shell.alert.replaceChildren();
    // 'complete' narrows away partial data (only possible with returnPartialData or @defer, neither used here).
    const connection = result.dataState === 'complete' ? result.data.messages : undefined;
    if (connection === undefined) {
      list.replaceChildren();
      count.textContent = busy ? 'Loading…' : '';
      loadMore.hidden = true;
      return;
    }
    list.replaceChildren(...messageItems(connection));
    const shown = connection.edges.length;
    count.textContent =
      shown === 0 ? 'No messages match.' : `Showing ${shown} of about ${connection.resultSizeEstimate}`;
    loadMore.hidden = !connection.pageInfo.hasNextPage;
    loadMore.disabled = result.networkStatus === NetworkStatus.fetchMore;
    loadMore.textContent = loadMore.disabled ? 'Loading…' : 'Load more';
  });

  loadMore.addEventListener('click', () => {
    const current = messages.getCurrentResult();
    const endCursor = current.dataState === 'complete' ? current.data.messages.pageInfo.endCursor : null;
    if (endCursor === null) return;
    // The promise also rejects on errors: show them here too.
    messages.fetchMore({ variables: { after: endCursor } }).catch(showError);
  });

  searchForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = searchInput.value.trim();
    navigate(text === '' ? labelPath('INBOX') : searchPath(text));
  });

  // Back to the first page of the current list, from the network.
  refresh.addEventListener('click', retry);

  return () => {
    subscription.unsubscribe();
    labelsWatch.unsubscribe();
    shell.leave();
  };
};

function titleOf(
  labelId: string | null,
  query: string | null,
  labels: readonly { readonly id: string; readonly name: string }[] = [],
): string {
  if (labelId === null) return query === null ? 'All mail' : `Search: ${query}`;
  return SYSTEM_TITLES[labelId] ?? labels.find((label) => label.id === labelId)?.name ?? labelId;
}
