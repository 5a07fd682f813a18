import type { AppContext } from './app';
import { h } from './dom';
import { errorContent } from './error-banner';
import { gatewayErrorOf } from './gateway-error';
import { getFragmentData } from './generated/fragment-masking';
import {
  DisconnectGoogleDocument,
  SignOutDocument,
  ViewerDocument,
  ViewerSummaryFragmentDoc,
} from './generated/graphql';
import { labelSidebar } from './label-sidebar';
import { forgetSessionToken } from './session-store';

/** What a signed-in page fills in: its own heading and content, and the one alert area of the page. */
export interface Shell {
  readonly main: HTMLElement;
  readonly alert: HTMLElement;
  readonly leave: () => void;
}

/**
 * The frame of every signed-in page: who is signed in, Sign out and Disconnect Google, the label sidebar (with
 * `activeLabelId` marked) and the alert area. Created once per page render.
 */
export function mountShell({ client, root, navigate }: AppContext, activeLabelId: string | null): Shell {
  const email = h('strong', { 'data-testid': 'viewer-email' }, '…');
  const signOut = h('button', { type: 'button', 'data-testid': 'sign-out-button' }, 'Sign out');
  const disconnect = h(
    'button',
    { type: 'button', class: 'quiet', 'data-testid': 'disconnect-button' },
    'Disconnect Google',
  );
  const alert = h('div', { class: 'alert', role: 'alert', 'data-testid': 'mailbox-error' });
  const main = h('div', { class: 'content' }, alert);
  const sidebar = labelSidebar(client, activeLabelId);

  root.append(
    h(
      'section',
      { class: 'mailbox', 'aria-labelledby': 'page-title', 'data-testid': 'mailbox-page' },
      h(
        'header',
        { class: 'mailbox-header' },
        h('p', { class: 'who' }, 'Signed in as ', email),
        h('div', { class: 'actions' }, disconnect, signOut),
      ),
      h('div', { class: 'layout' }, sidebar.element, main),
    ),
  );

  client.query({ query: ViewerDocument, fetchPolicy: 'network-only' }).then(
    ({ data }) => {
      const viewer = getFragmentData(ViewerSummaryFragmentDoc, data?.viewer);
      email.textContent = viewer?.email ?? 'nobody (the session has ended)';
    },
    (error: unknown) => alert.replaceChildren(...errorContent(gatewayErrorOf(error))),
  );

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

  return { main, alert, leave: sidebar.leave };
}
