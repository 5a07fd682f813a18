import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { relayStylePagination } from '@apollo/client/utilities';
import { sessionToken } from './session-store';

/** Created once per page load. The cache lives as long as the page; sign-in and sign-out clear it. */
export function createApolloClient(): ApolloClient {
  // The session token is read per request, so signing in or out needs no new client.
  const auth = new SetContextLink(({ headers }) => {
    const token = sessionToken();
    return { headers: { ...headers, ...(token === null ? {} : { authorization: `Bearer ${token}` }) } };
  });
  // Same origin: the gateway serves this client. HttpLink sends `content-type: application/json`, which is
  // what Apollo Server's CSRF prevention asks for.
  const http = new HttpLink({ uri: '/graphql' });

  return new ApolloClient({
    link: ApolloLink.from([auth, http]),
    cache: new InMemoryCache({
      typePolicies: {
        Query: {
          fields: {
            // One list per search (and filter): "Load more" appends the next page to it; a cursor only ever
            // continues the list it came from.
            messages: relayStylePagination(['query', 'labelIds', 'includeSpamTrash']),
          },
        },
        // A body has no id of its own: the plain and the remote-images answers for one message merge into it.
        MessageBody: { merge: true },
      },
    }),
  });
}
