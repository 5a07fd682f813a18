import type { ApolloClient } from '@apollo/client';
import { h } from './dom';
import { LabelsDocument, type LabelsQuery } from './generated/graphql';
import { INBOX, labelPath } from './routes';

type Label = LabelsQuery['labels'][number];

/** The system labels a reader expects first, in Gmail's order; Gmail names them by their id (`INBOX`). */
const SYSTEM_ENTRIES: readonly { readonly id: string; readonly name: string }[] = [
  { id: INBOX, name: 'Inbox' },
  { id: 'STARRED', name: 'Starred' },
  { id: 'SENT', name: 'Sent' },
];

/**
 * The label sidebar: Inbox, Starred, Sent, then the user's labels by name, each with its unread count. The three
 * system entries show before the labels arrive (and if they cannot), so navigation never waits for counts.
 * Returns the element and what to undo when the page goes away.
 */
export function labelSidebar(
  client: ApolloClient,
  activeLabelId: string | null,
): { readonly element: HTMLElement; readonly leave: () => void } {
  const list = h('ul', { class: 'labels' });
  const element = h(
    'nav',
    { class: 'sidebar', 'aria-label': 'Labels', 'data-testid': 'label-sidebar' },
    list,
  );
  const render = (labels: readonly Label[]) => {
    const byId = new Map(labels.map((label) => [label.id, label]));
    const entries = [
      ...SYSTEM_ENTRIES.map(({ id, name }) => ({ id, name, unread: byId.get(id)?.messagesUnread ?? null })),
      ...labels
        .filter((label) => label.type === 'USER')
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((label) => ({ id: label.id, name: label.name, unread: label.messagesUnread ?? null })),
    ];
    list.replaceChildren(
      ...entries.map(({ id, name, unread }) =>
        h(
          'li',
          {},
          h(
            'a',
            {
              href: labelPath(id),
              'data-route': true,
              'data-testid': 'label-link',
              'data-label-id': id,
              'aria-current': id === activeLabelId ? 'page' : undefined,
            },
            h('span', { class: 'label-name' }, name),
            unread !== null && unread > 0
              ? h(
                  'span',
                  { class: 'unread-count', 'data-testid': 'label-unread', 'aria-label': `${unread} unread` },
                  unread,
                )
              : null,
          ),
        ),
      ),
    );
  };
  render([]);
  // Counts change as mail arrives or is read elsewhere: show the cached ones at once, then the fresh ones.
  const subscription = client
    .watchQuery({ query: LabelsDocument, fetchPolicy: 'cache-and-network' })
    .subscribe((result) => {
      if (result.dataState === 'complete') render(result.data.labels);
    });
  return { element, leave: () => subscription.unsubscribe() };
}
