import { createApolloClient } from './apollo-client';
import type { AppContext, Page } from './app';
import { callbackPage } from './callback.page';
import { connectPage } from './connect.page';
import { mailboxPage } from './mailbox.page';
import { messagePage } from './message.page';
import { routeOf } from './routes';
import { sessionToken } from './session-store';

/**
 * The example client's entry: a single-page app whose views are URLs (routes.ts). The gateway (local mode)
 * serves index.html for every non-API path, so `/callback`, Google's redirect target, and deep links such as
 * `/message/<id>` land here too.
 */
function pageFor(location: Location): Page {
  const route = routeOf(location);
  if (route.kind === 'callback') return callbackPage;
  if (sessionToken() === null) return connectPage;
  return route.kind === 'message' ? messagePage : mailboxPage;
}

const root = document.getElementById('app');
if (root === null) throw new Error('index.html has no #app element');

let leavePage: (() => void) | undefined;
const context: AppContext = {
  client: createApolloClient(),
  root,
  navigate(path, options = {}) {
    // Marks entries this tab made, so a page can tell that Back stays in the app.
    if (options.replace) window.history.replaceState(window.history.state, '', path);
    else window.history.pushState({ inApp: true }, '', path);
    render({ moveFocus: true });
  },
};

function render({ moveFocus }: { moveFocus: boolean }): void {
  leavePage?.();
  context.root.replaceChildren();
  document.title = 'Mail – Gmail GraphQL gateway example';
  leavePage = pageFor(window.location)(context);
  // After a client-side page change, start screen readers and keyboards at the new page's heading.
  if (moveFocus) document.getElementById('page-title')?.focus();
}

// Links marked `data-route` change the view without reloading the page; modified clicks (new tab, etc.) and
// other links behave as usual.
document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target instanceof Element ? event.target.closest('a[data-route]') : null;
  if (!(link instanceof HTMLAnchorElement) || link.origin !== window.location.origin) return;
  event.preventDefault();
  context.navigate(`${link.pathname}${link.search}`);
});

window.addEventListener('popstate', () => render({ moveFocus: true }));
render({ moveFocus: false });
