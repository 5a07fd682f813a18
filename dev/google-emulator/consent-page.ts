import { escapeHtml } from './escape';
import { html, type Reply } from './http';
import { pageLayout } from './page-layout';
import { describeScope } from './scopes';
import type { EmulatorUser } from './types';

export interface ConsentPageModel {
  /** Posted back so the emulator finds the request again; the only state the page carries. */
  readonly requestId: string;
  readonly action: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly accounts: ReadonlyArray<{ readonly user: EmulatorUser; readonly messages: number }>;
  readonly selectedUserId: string;
  readonly loginHint: string | null;
}

/** The page-mode consent screen: pick an account, untick scopes, Allow or Cancel. Every value is escaped. */
export function renderConsentPage(model: ConsentPageModel): Reply {
  const e = escapeHtml;
  const hintUnknown =
    model.loginHint !== null &&
    !model.accounts.some(
      ({ user }) =>
        user.id === model.loginHint || user.email.toLowerCase() === model.loginHint?.toLowerCase(),
    );
  const accounts = model.accounts
    .map(
      ({ user, messages }) => `<label class="option">
<input type="radio" name="account" value="${e(user.id)}"${user.id === model.selectedUserId ? ' checked' : ''}>
<span class="avatar" aria-hidden="true">${e(initial(user.name))}</span>
<span><strong>${e(user.name)}</strong><br><small>${e(user.email)} · ${messages} messages</small></span>
</label>`,
    )
    .join('\n');
  const scopes = model.scopes
    .map(
      (scope) => `<label class="option">
<input type="checkbox" name="scope" value="${e(scope)}" checked>
<span>${e(describeScope(scope))}<br><small><code>${e(scope)}</code></small></span>
</label>`,
    )
    .join('\n');
  const content = `<h1>Sign in</h1>
<p>to continue to <strong>${e(model.clientId)}</strong></p>
${hintUnknown ? `<p class="notice">No account of this emulator matches the login hint <code>${e(model.loginHint ?? '')}</code>.</p>` : ''}
<form method="post" action="${e(model.action)}">
<input type="hidden" name="consent_request" value="${e(model.requestId)}">
<fieldset>
<legend>Choose an account</legend>
${accounts}
</fieldset>
<fieldset>
<legend>${e(model.clientId)} wants to access your Google Account</legend>
${scopes}
<p class="muted">Untick a permission to leave it out of the grant.</p>
</fieldset>
<div class="actions">
<button type="submit" name="action" value="allow" class="primary">Allow</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</div>
</form>`;
  return html(200, pageLayout('Sign in', content));
}

/** Google's "Access blocked" page: shown instead of redirecting when the redirect URI cannot be trusted. */
export function renderOAuthErrorPage(status: number, error: string, description: string): Reply {
  const e = escapeHtml;
  const content = `<h1>Access blocked: Authorization Error</h1>
<p class="error"><strong>Error ${status}: ${e(error)}</strong></p>
<p>${e(description)}</p>`;
  return html(status, pageLayout(`Error ${status}: ${error}`, content));
}

function initial(name: string): string {
  return (name.trim()[0] ?? '?').toUpperCase();
}
