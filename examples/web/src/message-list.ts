import { h } from './dom';
import { getFragmentData } from './generated/fragment-masking';
import { MessageSummaryFragmentDoc, type MessagesPageQuery } from './generated/graphql';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** One list item per edge: subject, sender, date and snippet, read through the MessageSummary fragment. */
export function messageItems(connection: MessagesPageQuery['messages']): HTMLLIElement[] {
  return connection.edges.map(({ node }) => {
    const message = getFragmentData(MessageSummaryFragmentDoc, node);
    return h(
      'li',
      { 'data-testid': 'message-item', 'data-message-id': message.id },
      h(
        'article',
        { class: 'message' },
        h('h2', { class: 'subject', 'data-testid': 'message-subject' }, message.subject || '(no subject)'),
        h('p', { class: 'from', 'data-testid': 'message-from' }, message.from ?? ''),
        message.date === null
          ? null
          : h('time', { class: 'date', datetime: message.date }, dateFormat.format(new Date(message.date))),
        h('p', { class: 'snippet' }, decodeEntities(message.snippet ?? '')),
      ),
    );
  });
}

/**
 * Gmail's snippets are HTML-escaped text (`We&#39;ll`). This decodes the entities and keeps only the text: a
 * DOMParser document is inert (no scripts run, nothing loads), and the result is inserted as a text node.
 */
function decodeEntities(snippet: string): string {
  return new DOMParser().parseFromString(snippet, 'text/html').body.textContent ?? '';
}
