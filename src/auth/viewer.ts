// What the API shows of a connected account, built from the stored credential (never its tokens).

import type { Credential, CredentialStatus } from '../credentials/credential.repository';

export interface ViewerView {
  readonly id: string;
  readonly email: string;
  readonly grantedScopes: readonly string[];
  readonly status: CredentialStatus;
}

/** A completed sign-in: the session token (shown this once) and the account connected. */
export interface ExchangeCodePayloadView {
  readonly sessionToken: string;
  readonly viewer: ViewerView;
}

export function toViewer(credential: Credential): ViewerView {
  return {
    id: credential.userId,
    email: credential.email,
    grantedScopes: credential.scopes,
    status: credential.status,
  };
}
