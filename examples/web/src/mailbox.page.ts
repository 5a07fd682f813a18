import { NetworkStatus } from '@apollo/client';
import type { Page } from './app';
import { h } from './dom';
import { errorContent } from './error-banner';
import { gatewayErrorOf } from './gateway-error';
import { getFragmentData } from './generated/fragment-masking';
import {
  DisconnectGoogleDocument,
  MessagesPageDocument,
  SignOutDocument,
  ViewerDocument,
  ViewerSummaryFragmentDoc,
} from './generated/graphql';
import { messageItems } from './message-list';
import { forgetSessionToken } from './session-store';

const PAGE_SIZE = 20;

/** Signed in: who, a Gmail search, the message list with "Load more", sign out. */
export const mailboxPage: Page = ({ client, root, navigate }) => {
  const email = h('strong', { 'data-testid': 'viewer-email' }, '…');
  const signOut = h('button', { type: 'button', 'data-testid': 'sign-out-button' }, 'Sign out');
  const disconnect = h(
    'button',
    { type: 'button', class: 'quiet', 'data-testid': 'disconnect-button' },
    'Disconnect Google',
  );
  const searchInput = h('input', {
    id: 'search',
    type: 'search',
    name: 'q',
    placeholder: 'Search mail, e.g. is:unread',
    autocomplete: 'off',
    'data-testid': 'search-input',
  });
  const searchForm = h(
    'form',
    { role: 'search', class: 'search', 'data-testid': 'search-form' },
    h('label', { for: 'search', class: 'visually-hidden' }, 'Search mail (Gmail search syntax)'),
    searchInput,
    h('button', { type: 'submit', 'data-testid': 'search-button' }, 'Search'),
  );
  const count = h('p', { class: 'count', role: 'status', 'data-testid': 'message-count' }, 'Loading…');
  const refresh = h('button', { type: 'button', class: 'quiet', 'data-testid': 'refresh-button' }, 'Refresh');
  const alert = h('div', { class: 'alert', role: 'alert', 'data-testid': 'mailbox-error' });
  const list = h('ol', { class: 'messages', 'aria-label': 'Messages', 'data-testid': 'message-list' });
  const loadMore = h(
    'button',
    { type: 'button', hidden: true, 'data-testid': 'load-more-button' },
    'Load more',
  );

  root.append(
    h(
      'section',
      { class: 'mailbox', 'aria-labelledby': 'page-title', 'data-testid': 'mailbox-page' },
      h(
        'header',
        { class: 'mailbox-header' },
        h('h1', { id: 'page-title', tabindex: '-1' }, 'Inbox'),
        h('p', { class: 'who' }, 'Signed in as ', email),
        h('div', { class: 'actions' }, disconnect, signOut),
      ),
      searchForm,
      h('div', { class: 'toolbar' }, count, refresh),
      alert,
      list,
      loadMore,
    ),
  );

  const showError = (error: unknown) => alert.replaceChildren(...errorContent(gatewayErrorOf(error)));

  client.query({ query: ViewerDocument, fetchPolicy: 'network-only' }).then(({ data }) => {
    const viewer = getFragmentData(ViewerSummaryFragmentDoc, data?.viewer);
    email.textContent = viewer?.email ?? 'nobody (the session has ended)';
  }, showError);

  // One watched query for the list: the cache's relayStylePagination policy merges the pages fetchMore
  // brings, and every change (first page, next page, new search, refresh) comes back through this subscription.
  const messages = client.watchQuery({
    query: MessagesPageDocument,
    variables: { query: null, first: PAGE_SIZE },
    notifyOnNetworkStatusChange: true,
  });
  const subscription = messages.subscribe((result) => {
    const busy = result.loading;
    list.setAttribute('aria-busy', String(busy));
    searchForm.setAttribute('aria-busy', String(busy));
    if (result.error) showError(result.error);
    else if (!busy) alert.replaceChildren();
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
    const query = searchInput.value.trim();
    messages.setVariables({ query: query === '' ? null : query, first: PAGE_SIZE }).catch(showError);
  });

  // Back to the first page of the current search, from the network.
  refresh.addEventListener('click', () => {
    messages.refetch().catch(showError);
  });

  const leave = async () => {
    forgetSessionToken();
    navigate('/');
    await client.clearStore();
  };
  signOut.addEventListener('click', async () => {
    signOut.disabled = true;
    try {
      await client.mutate({ mutation: SignOutDocument });
    } catch {
      // The session is forgotten here either way; a failure only means the gateway had already ended it.
    }
    await leave();
  });
  disconnect.addEventListener('click', async () => {
    disconnect.disabled = true;
    try {
      await client.mutate({ mutation: DisconnectGoogleDocument });
    } catch (error) {
      const failure = gatewayErrorOf(error);
      if (failure.code !== 'UNAUTHENTICATED') {
        // Google still holds the grant: keep the session so that the user can try again, and say so plainly.
        disconnect.disabled = false;
        alert.replaceChildren(
          h(
            'p',
            { 'data-testid': 'disconnect-failed' },
            'Disconnecting failed: this app can still read your Gmail. Try “Disconnect Google” again.',
          ),
          ...errorContent(failure),
        );
        return;
      }
    }
    await leave();
  });

  return () => subscription.unsubscribe();
};
