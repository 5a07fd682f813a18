import { createApolloClient } from './apollo-client';
import type { AppContext, Page } from './app';
import { callbackPage } from './callback.page';
import { connectPage } from './connect.page';
import { mailboxPage } from './mailbox.page';
import { sessionToken } from './session-store';

/**
 * The example client's entry: a three-page single-page app. The gateway (local mode) serves index.html for
 * every non-API path, so `/callback`, Google's redirect target, lands here too.
 */
function pageFor(path: string): Page {
  if (path === '/callback') return callbackPage;
  return sessionToken() === null ? connectPage : mailboxPage;
}

const root = document.getElementById('app');
if (root === null) throw new Error('index.html has no #app element');

let leavePage: (() => void) | undefined;
const context: AppContext = {
  client: createApolloClient(),
  root,
  navigate(path, options = {}) {
    if (options.replace) window.history.replaceState(null, '', path);
    else window.history.pushState(null, '', path);
    render({ moveFocus: true });
  },
};

function render({ moveFocus }: { moveFocus: boolean }): void {
  leavePage?.();
  context.root.replaceChildren();
  leavePage = pageFor(window.location.pathname)(context);
  // After a client-side page change, start screen readers and keyboards at the new page's heading.
  if (moveFocus) document.getElementById('page-title')?.focus();
}

window.addEventListener('popstate', () => render({ moveFocus: true }));
render({ moveFocus: false });
