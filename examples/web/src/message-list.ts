import { h } from './dom';
import { longDate, relativeDate, senderParts } from './format';
import { getFragmentData } from './generated/fragment-masking';
import { MessageSummaryFragmentDoc, type MessagesPageQuery } from './generated/graphql';
import { messagePath } from './routes';

/** What a row shows; the thread view's rows have the same fields. */
export interface MessageRow {
  readonly id: string;
  readonly subject?: string | null;
  readonly from?: string | null;
  readonly date?: string | null;
  readonly snippet?: string | null;
  readonly unread: boolean;
  readonly starred: boolean;
}

/**
 * One list item per edge: star, sender, subject, date and snippet, read through the MessageSummary fragment.
 * Unread messages are bold; the subject links to the message.
 */
export function messageItems(connection: MessagesPageQuery['messages']): HTMLLIElement[] {
  return connection.edges.map(({ node }) => messageRow(getFragmentData(MessageSummaryFragmentDoc, node)));
}

export function messageRow(message: MessageRow, options: { current?: boolean } = {}): HTMLLIElement {
  return h(
    'li',
    {
      'data-testid': 'message-item',
      'data-message-id': message.id,
      'data-unread': String(message.unread),
      class: message.unread ? 'unread' : undefined,
      'aria-current': options.current ? 'true' : undefined,
    },
    h(
      'article',
      { class: 'message' },
      h(
        'h2',
        { class: 'subject', 'data-testid': 'message-subject' },
        h(
          'a',
          { href: messagePath(message.id), 'data-route': true, 'data-testid': 'message-link' },
          message.subject || '(no subject)',
        ),
      ),
      sender(message.from ?? ''),
      message.date === null || message.date === undefined ? null : dateElement(message.date),
      h(
        'p',
        { class: 'snippet' },
        message.starred ? starMarker() : null,
        message.unread ? h('span', { class: 'visually-hidden' }, 'Unread. ') : null,
        decodeEntities(message.snippet ?? ''),
      ),
    ),
  );
}

export function starMarker(): HTMLElement {
  return h(
    'span',
    { class: 'star', 'data-testid': 'star-marker', title: 'Starred', 'aria-label': 'Starred' },
    '★',
  );
}

/** The sender's name, then the address; on narrow screens only the name shows (styles.css). */
export function sender(from: string): HTMLElement {
  const { name, address } = senderParts(from);
  return h(
    'p',
    { class: 'from', 'data-testid': 'message-from', title: from },
    h('span', { class: 'sender-name' }, name),
    address === null ? null : h('span', { class: 'sender-address' }, ` <${address}>`),
  );
}

export function dateElement(iso: string): HTMLTimeElement {
  const date = new Date(iso);
  return h('time', { class: 'date', datetime: iso, title: longDate(date) }, relativeDate(date));
}

/**
 * Gmail's snippets are HTML-escaped text (`We&#39;ll`). This decodes the entities and keeps only the text: a
 * DOMParser document is inert (no scripts run, nothing loads), and the result is inserted as a text node.
 */
export function decodeEntities(snippet: string): string {
  return new DOMParser().parseFromString(snippet, 'text/html').body.textContent ?? '';
}
