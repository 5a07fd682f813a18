import { GraphiQL, type GraphiQLProps } from 'graphiql';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';
import './explorer.css';

/** Same origin as this page: the gateway serves both, so no CORS and no configured URL. */
const ENDPOINT = '/graphql';

const fetcher: GraphiQLProps['fetcher'] = async (params, options) => {
  const response = await fetch(ENDPOINT, {
    method: 'POST',
    // application/json also satisfies Apollo's CSRF prevention.
    headers: { 'content-type': 'application/json', accept: 'application/json', ...options?.headers },
    body: JSON.stringify(params),
  });
  return response.json();
};

function Explorer() {
  return (
    <GraphiQL
      fetcher={fetcher}
      defaultTabs={EXAMPLE_TABS.map((tab) => ({ ...tab }))}
      // GraphiQL 4 fills the header editor from defaultHeaders, not from the first tab's own headers.
      defaultHeaders={EXAMPLE_HEADERS}
      defaultEditorToolsVisibility="headers"
      // A pasted session token stays in this tab's memory, not in localStorage.
      shouldPersistHeaders={false}
    >
      <GraphiQL.Logo>
        Gmail gateway
        <a className="sandbox-link" href="/graphql?sandbox" title="Apollo Sandbox loads from Apollo's CDN">
          Apollo Sandbox (online)
        </a>
      </GraphiQL.Logo>
    </GraphiQL>
  );
}

const root = document.getElementById('explorer');
if (root === null) throw new Error('index.html has no #explorer element');
createRoot(root).render(<Explorer />);
