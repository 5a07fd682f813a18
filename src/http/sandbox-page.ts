import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

/** What Apollo Sandbox opens with outside production: the sign-in steps, then a first page of mail. */
export const SANDBOX_DOCUMENT = `# 1. Run StartSignIn; keep its requestSecret, and open the returned url in a browser tab; consent.
# 2. Copy code and state from the page Google redirects to, and run SignIn with them and the requestSecret.
# 3. Put the sessionToken in the Authorization header (Headers panel): Bearer <sessionToken>.
# 4. Run Inbox. Errors with extensions.authorizationUrl mean: send the user there.
query StartSignIn {
  authorizationUrl { url state requestSecret expiresAt }
}

mutation SignIn($code: String!, $state: String!, $requestSecret: String!) {
  exchangeCode(code: $code, state: $state, requestSecret: $requestSecret) { sessionToken viewer { email } }
}

query Inbox($query: String, $after: String) {
  viewer { email status }
  messages(first: 20, query: $query, after: $after) {
    edges { cursor node { id subject from date snippet } }
    pageInfo { hasNextPage endCursor }
  }
}
`;

/**
 * Apollo Sandbox, embedded at `GET /graphql?sandbox` outside production (plain `GET /graphql` from a browser
 * is the offline explorer, src/http/explorer.ts); no landing page in production. Sandbox loads from Apollo's
 * CDN, so it needs internet.
 */
export function landingPage(production: boolean): ApolloServerPlugin {
  return production
    ? ApolloServerPluginLandingPageDisabled()
    : ApolloServerPluginLandingPageLocalDefault({
        embed: true,
        includeCookies: false,
        document: SANDBOX_DOCUMENT,
        headers: { Authorization: 'Bearer <sessionToken from exchangeCode>' },
      });
}
