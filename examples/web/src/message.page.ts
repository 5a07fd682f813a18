import type { Page } from './app';
import { h } from './dom';
import { errorContent } from './error-banner';
import { byteSize, longDate } from './format';
import { gatewayErrorOf } from './gateway-error';
import {
  MessageRemoteImagesDocument,
  MessageViewDocument,
  ThreadViewDocument,
  type MessageViewQuery,
} from './generated/graphql';
import { messageFrame } from './message-frame';
import { messageRow, sender, starMarker } from './message-list';
import { labelPath, routeOf } from './routes';
import { mountShell } from './shell';

type Message = NonNullable<MessageViewQuery['message']>;

/** Attachment links are signed for 5 minutes; one older than this is refreshed before it is followed. */
const DOWNLOAD_URL_FRESH_MS = 4 * 60_000;

/**
 * `/message/<id>`: one message (headers, labels, attachments, the body in a sandboxed frame with remote images
 * blocked until asked for) and, when it has several, the other messages of its conversation.
 */
export const messagePage: Page = (context) => {
  const { client } = context;
  const route = routeOf(window.location);
  const id = route.kind === 'message' ? route.id : '';
  const shell = mountShell(context, null);
  const title = h('h1', { id: 'page-title', tabindex: '-1', 'data-testid': 'message-title' }, 'Loading…');
  const back = h('a', { href: '/', class: 'back', 'data-route': true, 'data-testid': 'back-link' }, '← Back');
  const view = h('article', {
    class: 'message-view card',
    'aria-busy': 'true',
    'data-testid': 'message-view',
  });
  const thread = h('section', { class: 'thread', hidden: true, 'data-testid': 'thread-view' });
  shell.main.prepend(back);
  shell.main.append(view, thread);
  view.append(title);

  // Back returns to wherever the reader came from in this tab (the list, a search, a label); a deep link has
  // nowhere to go back to in the app, so it leads to the Inbox.
  back.addEventListener('click', (event) => {
    if (window.history.state?.['inApp'] === true) {
      event.preventDefault();
      window.history.back();
    }
  });

  let left = false;
  let loadedAt = 0;
  const load = async () => {
    shell.alert.replaceChildren();
    view.setAttribute('aria-busy', 'true');
    try {
      // Always from the network: the attachment URLs in an older answer may have expired.
      const { data } = await client.query({
        query: MessageViewDocument,
        variables: { id },
        fetchPolicy: 'network-only',
      });
      if (left) return;
      loadedAt = Date.now();
      const message = data?.message ?? null;
      if (message === null) {
        title.textContent = 'Message not found';
        view.replaceChildren(
          title,
          h('p', { 'data-testid': 'message-missing' }, 'Gmail has no message with this id.'),
        );
        return;
      }
      render(message);
      void loadThread(message.threadId, message.id);
    } catch (error) {
      if (!left)
        shell.alert.replaceChildren(...errorContent(gatewayErrorOf(error), { retry: () => void load() }));
    } finally {
      view.setAttribute('aria-busy', 'false');
    }
  };

  const render = (message: Message) => {
    title.textContent = message.subject || '(no subject)';
    document.title = `${title.textContent} – Mail`;
    const labels = message.labels.filter(
      (label) => label.type === 'USER' || ['INBOX', 'SENT'].includes(label.id),
    );
    const headers = h(
      'dl',
      { class: 'headers', 'data-testid': 'message-headers' },
      ...headerRow('From', message.from === null ? null : sender(message.from)),
      ...headerRow('To', message.to),
      ...headerRow('Cc', message.cc),
      ...headerRow('Reply-To', message.replyTo),
      ...headerRow(
        'Date',
        message.date === null
          ? null
          : h('time', { datetime: message.date }, longDate(new Date(message.date))),
      ),
    );
    const chips = h(
      'p',
      { class: 'chips' },
      message.starred ? starMarker() : null,
      message.unread ? h('span', { class: 'chip', 'data-testid': 'unread-chip' }, 'Unread') : null,
      ...labels.map((label) =>
        h(
          'a',
          { class: 'chip', href: labelPath(label.id), 'data-route': true, 'data-testid': 'message-label' },
          label.type === 'SYSTEM' ? label.name.charAt(0) + label.name.slice(1).toLowerCase() : label.name,
        ),
      ),
    );
    const body = h('div', { class: 'body' });
    showBody(body, message, false);
    view.replaceChildren(title, chips, headers, attachmentList(message), body);
  };

  const showBody = (container: HTMLElement, message: Message, remoteShown: boolean) => {
    const html = message.body?.html ?? null;
    const text = message.body?.text ?? null;
    const notice =
      message.body?.hasRemoteImages === true && !remoteShown ? remoteImagesNotice(container, message) : null;
    const content =
      html !== null
        ? messageFrame(html, { allowRemoteImages: remoteShown })
        : h(
            'pre',
            { class: 'text-body', 'data-testid': 'message-text' },
            text ?? '(this message has no body)',
          );
    container.replaceChildren(...(notice === null ? [] : [notice]), content);
  };

  const remoteImagesNotice = (container: HTMLElement, message: Message): HTMLElement => {
    const button = h('button', { type: 'button', 'data-testid': 'show-remote-images' }, 'Show remote images');
    const notice = h(
      'div',
      { class: 'notice', 'data-testid': 'remote-images-notice' },
      h(
        'p',
        {},
        'Images from other sites are hidden, so the sender cannot see that you opened this message.',
      ),
      button,
    );
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const { data } = await client.query({
          query: MessageRemoteImagesDocument,
          variables: { id: message.id },
          fetchPolicy: 'network-only',
        });
        const html = data?.message?.body?.html ?? null;
        if (left || html === null) return;
        showBody(
          container,
          { ...message, body: { ...message.body, hasRemoteImages: true, text: null, html } },
          true,
        );
      } catch (error) {
        button.disabled = false;
        shell.alert.replaceChildren(...errorContent(gatewayErrorOf(error), { retry: () => button.click() }));
      }
    });
    return notice;
  };

  const attachmentList = (message: Message): HTMLElement | string => {
    if (message.attachments.length === 0) return '';
    return h(
      'section',
      { class: 'attachments', 'aria-label': 'Attachments' },
      h('h2', {}, `${message.attachments.length} attachment${message.attachments.length === 1 ? '' : 's'}`),
      h(
        'ul',
        {},
        ...message.attachments.map((attachment) => {
          const link = h(
            'a',
            {
              href: attachment.downloadUrl,
              download: attachment.filename,
              'data-testid': 'attachment-link',
              'data-attachment-id': attachment.id,
              'data-size': String(attachment.size),
            },
            attachment.filename || '(unnamed)',
          );
          // A link signed more than a few minutes ago may have expired: fetch fresh ones, then follow this one.
          link.addEventListener('click', async (event) => {
            if (Date.now() - loadedAt < DOWNLOAD_URL_FRESH_MS) return;
            event.preventDefault();
            const { data } = await client.query({
              query: MessageViewDocument,
              variables: { id: message.id },
              fetchPolicy: 'network-only',
            });
            loadedAt = Date.now();
            const fresh = data?.message?.attachments.find((a) => a.id === attachment.id)?.downloadUrl;
            if (fresh !== undefined) {
              link.href = fresh;
              link.click();
            }
          });
          return h(
            'li',
            {},
            link,
            h('span', { class: 'attachment-meta' }, ` ${attachment.mimeType}, ${byteSize(attachment.size)}`),
          );
        }),
      ),
    );
  };

  const loadThread = async (threadId: string, currentId: string) => {
    try {
      const { data } = await client.query({ query: ThreadViewDocument, variables: { id: threadId } });
      const conversation = data?.thread ?? null;
      if (left || conversation === null || conversation.messageCount < 2) return;
      thread.hidden = false;
      thread.replaceChildren(
        h('h2', { 'data-testid': 'thread-title' }, `Conversation, ${conversation.messageCount} messages`),
        h(
          'ol',
          {
            class: 'messages',
            'aria-label': 'Messages in this conversation',
            'data-testid': 'thread-messages',
          },
          ...conversation.messages.map((m) => messageRow(m, { current: m.id === currentId })),
        ),
      );
    } catch {
      // The conversation is an extra: the message itself is already shown.
    }
  };

  void load();
  return () => {
    left = true;
    shell.leave();
  };
};

function headerRow(name: string, value: Node | string | null): Node[] {
  if (value === null || value === '') return [];
  return [h('dt', {}, name), h('dd', {}, value)];
}
