import { Harness } from '../support/harness';

let h: Harness;
let token: string;
beforeAll(async () => {
  h = await Harness.start({ production: true });
  token = (await h.signIn()).token;
});
afterAll(() => h.stop());

/** What the gateway answers: the HTTP status, and the one code of every error (or the data of a success). */
type Expected =
  { readonly status: number; readonly code: string } | { readonly status: 200; readonly data: unknown };

interface Probe {
  readonly name: string;
  readonly expected: Expected;
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const gql = (query: string, variables?: unknown, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ query, ...(variables === undefined ? {} : { variables }), ...extra });
const PAGE =
  'query($first: Int, $after: String, $q: String, $labels: [String!], $spam: Boolean) { messages(first: $first, after: $after, query: $q, labelIds: $labels, includeSpamTrash: $spam) { edges { node { id } } } }';
const page = (variables: Record<string, unknown>, expected: Expected): Probe => ({
  name: `messages with ${JSON.stringify(variables).slice(0, 60)}`,
  expected,
  headers: { ...JSON_HEADERS, authorization: 'SESSION' },
  body: gql(PAGE, variables),
});
const nested = (depth: number): unknown => (depth === 0 ? 'x' : { a: nested(depth - 1) });

const PROBES: Probe[] = [
  {
    name: 'text/plain body (CSRF)',
    expected: { status: 400, code: 'BAD_REQUEST' },
    headers: { 'content-type': 'text/plain' },
    body: gql('{ viewer { id } }'),
  },
  {
    name: 'no content type',
    expected: { status: 400, code: 'BAD_REQUEST' },
    headers: {},
    body: gql('{ viewer { id } }'),
  },
  {
    name: 'form-encoded body',
    expected: { status: 400, code: 'BAD_REQUEST' },
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'query=%7Bviewer%7Bid%7D%7D',
  },
  {
    name: 'multipart body',
    expected: { status: 400, code: 'BAD_REQUEST' },
    headers: { 'content-type': 'multipart/form-data; boundary=x' },
    body: '--x\r\n\r\n--x--',
  },
  {
    name: 'invalid JSON',
    expected: { status: 400, code: 'BAD_REQUEST' },
    headers: JSON_HEADERS,
    body: '{"query": ',
  },
  { name: 'empty body', expected: { status: 400, code: 'BAD_REQUEST' }, headers: JSON_HEADERS, body: '' },
  {
    name: 'a batch (batching is off)',
    expected: { status: 400, code: 'BAD_REQUEST' },
    headers: JSON_HEADERS,
    body: `[${gql('{ viewer { id } }')},${gql('{ viewer { id } }')}]`,
  },
  { name: 'JSON null', expected: { status: 400, code: 'BAD_REQUEST' }, headers: JSON_HEADERS, body: 'null' },
  {
    name: 'JSON string',
    expected: { status: 400, code: 'BAD_REQUEST' },
    headers: JSON_HEADERS,
    body: '"{ viewer { id } }"',
  },
  { name: 'JSON number', expected: { status: 400, code: 'BAD_REQUEST' }, headers: JSON_HEADERS, body: '42' },
  {
    name: 'a body over the size limit',
    expected: { status: 413, code: 'BAD_REQUEST' },
    headers: JSON_HEADERS,
    body: gql(`{ viewer { id } } # ${'x'.repeat(70_000)}`),
  },
  {
    name: 'query that is a number',
    expected: { status: 400, code: 'BAD_REQUEST' },
    headers: JSON_HEADERS,
    body: '{"query": 7}',
  },
  {
    name: 'variables that are a string',
    expected: { status: 400, code: 'BAD_REQUEST' },
    headers: JSON_HEADERS,
    body: '{"query": "{ viewer { id } }", "variables": "x"}',
  },
  {
    name: 'no query',
    expected: { status: 400, code: 'BAD_REQUEST' },
    headers: JSON_HEADERS,
    body: '{"variables": {}}',
  },
  {
    name: 'a mutation over GET',
    expected: { status: 405, code: 'BAD_REQUEST' },
    method: 'GET',
    path: '/graphql?query=mutation%7BsignOut%7D',
    headers: { 'apollo-require-preflight': 'true' },
  },
  {
    name: 'GET without a query',
    expected: { status: 400, code: 'BAD_REQUEST' },
    method: 'GET',
    path: '/graphql',
    headers: { 'apollo-require-preflight': 'true' },
  },
  {
    name: 'GET from a browser (no preflight header)',
    expected: { status: 400, code: 'BAD_REQUEST' },
    method: 'GET',
    path: '/graphql?query=%7Bviewer%7Bid%7D%7D',
  },
  {
    name: 'PUT',
    expected: { status: 405, code: 'BAD_REQUEST' },
    method: 'PUT',
    headers: JSON_HEADERS,
    body: gql('{ viewer { id } }'),
  },
  { name: 'DELETE', expected: { status: 405, code: 'BAD_REQUEST' }, method: 'DELETE', headers: JSON_HEADERS },
  {
    name: 'an unknown operation name',
    expected: { status: 400, code: 'OPERATION_RESOLUTION_FAILURE' },
    headers: JSON_HEADERS,
    body: gql('query A { viewer { id } }', {}, { operationName: 'B' }),
  },
  {
    name: 'two operations without a name',
    expected: { status: 400, code: 'OPERATION_RESOLUTION_FAILURE' },
    headers: JSON_HEADERS,
    body: gql('query A { viewer { id } } query B { viewer { id } }'),
  },
  {
    name: 'an unknown field',
    expected: { status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
    headers: JSON_HEADERS,
    body: gql('{ inbox { id } }'),
  },
  {
    name: 'a subscription',
    expected: { status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
    headers: JSON_HEADERS,
    body: gql('subscription { viewer { id } }'),
  },
  {
    name: 'a syntax error',
    expected: { status: 400, code: 'GRAPHQL_PARSE_FAILED' },
    headers: JSON_HEADERS,
    body: gql('{ viewer { '),
  },
  {
    name: '10,000 opening braces',
    expected: { status: 400, code: 'GRAPHQL_PARSE_FAILED' },
    headers: JSON_HEADERS,
    body: gql('{'.repeat(10_000)),
  },
  {
    name: 'a fragment cycle',
    expected: { status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
    headers: JSON_HEADERS,
    body: gql('{ viewer { ...A } } fragment A on Viewer { ...B } fragment B on Viewer { ...A }'),
  },
  {
    name: '200 aliases',
    expected: { status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
    headers: JSON_HEADERS,
    body: gql(`{ ${Array.from({ length: 200 }, (_, i) => `a${i}: viewer { id }`).join(' ')} }`),
  },
  {
    name: '3,000 tokens',
    expected: { status: 400, code: 'GRAPHQL_PARSE_FAILED' },
    headers: JSON_HEADERS,
    body: gql(`{ viewer { ${'id '.repeat(3000)} } }`),
  },
  {
    name: '60 directives',
    expected: { status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
    headers: JSON_HEADERS,
    body: gql(`{ viewer ${'@include(if: true) '.repeat(60)} { id } }`),
  },
  {
    name: '30 aliased pages (cost)',
    expected: { status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
    headers: JSON_HEADERS,
    body: gql(
      `{ ${Array.from({ length: 14 }, (_, i) => `p${i}: messages(first: 100) { edges { cursor node { id threadId subject from to date snippet labelIds sizeEstimate } } }`).join(' ')} }`,
    ),
  },
  {
    name: 'a 50 KB string literal',
    expected: { status: 200, code: 'BAD_USER_INPUT' },
    headers: JSON_HEADERS,
    body: gql(`{ authorizationUrl(loginHint: "${'a'.repeat(50_000)}") { url } }`),
  },
  {
    name: 'an inline number beyond Int',
    expected: { status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
    headers: JSON_HEADERS,
    body: gql('{ messages(first: 1e400) { edges { cursor } } }'),
  },
  {
    name: 'a persisted query nobody registered',
    expected: { status: 200, code: 'PERSISTED_QUERY_NOT_FOUND' },
    headers: JSON_HEADERS,
    body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
  },
  {
    name: 'a 10 KB bearer token',
    expected: { status: 200, data: { viewer: null } },
    headers: { ...JSON_HEADERS, authorization: `Bearer ${'x'.repeat(10_000)}` },
    body: gql('{ viewer { id } }'),
  },
  {
    name: 'a Latin-1 bearer token',
    expected: { status: 200, data: { viewer: null } },
    headers: { ...JSON_HEADERS, authorization: 'Bearer \u00ff\u00fe' },
    body: gql('{ viewer { id } }'),
  },
  {
    name: 'a request id with spaces',
    expected: { status: 200, data: { viewer: null } },
    headers: { ...JSON_HEADERS, 'x-request-id': 'a b c' },
    body: gql('{ viewer { id } }'),
  },
  {
    name: '__proto__ in variables',
    // The hint sits on the prototype, not on the variables: the URL is built without one.
    expected: { status: 200, data: { authorizationUrl: { url: expect.not.stringContaining('login_hint') } } },
    headers: JSON_HEADERS,
    body: '{"query": "query($h: String) { authorizationUrl(loginHint: $h) { url } }", "variables": {"__proto__": {"h": "x"}}}',
  },
  {
    name: 'deeply nested JSON as a String variable',
    expected: { status: 400, code: 'BAD_USER_INPUT' },
    headers: JSON_HEADERS,
    body: gql('query($h: String) { authorizationUrl(loginHint: $h) { url } }', { h: nested(500) }),
  },
  {
    name: 'exchangeCode with NUL bytes',
    expected: { status: 200, code: 'INVALID_STATE' },
    headers: JSON_HEADERS,
    body: gql(
      'mutation($c: String!, $s: String!, $r: String!) { exchangeCode(code: $c, state: $s, requestSecret: $r) { sessionToken } }',
      {
        c: 'a\u0000b',
        s: '\u0000',
        r: '\u0000',
      },
    ),
  },
  {
    name: 'exchangeCode with odd Unicode',
    expected: { status: 200, code: 'INVALID_STATE' },
    headers: JSON_HEADERS,
    body: gql(
      'mutation($c: String!, $s: String!, $r: String!) { exchangeCode(code: $c, state: $s, requestSecret: $r) { sessionToken } }',
      {
        c: '\u202e\ud83d\ude00\ud800',
        s: '\ufeff',
        r: '\ud800',
      },
    ),
  },
  {
    name: 'exchangeCode without variables',
    expected: { status: 400, code: 'BAD_USER_INPUT' },
    headers: JSON_HEADERS,
    body: gql(
      'mutation($c: String!, $s: String!, $r: String!) { exchangeCode(code: $c, state: $s, requestSecret: $r) { sessionToken } }',
    ),
  },
  {
    name: 'loginHint with NUL',
    expected: { status: 200, code: 'BAD_USER_INPUT' },
    headers: JSON_HEADERS,
    body: gql('query($h: String) { authorizationUrl(loginHint: $h) { url } }', { h: 'a\u0000@example.com' }),
  },
  page({ first: 'abc' }, { status: 400, code: 'BAD_USER_INPUT' }),
  page({ first: 1e20 }, { status: 400, code: 'BAD_USER_INPUT' }),
  page({ first: -5 }, { status: 200, code: 'BAD_USER_INPUT' }),
  page({ first: 2147483648 }, { status: 400, code: 'BAD_USER_INPUT' }),
  page({ first: 1.5 }, { status: 400, code: 'BAD_USER_INPUT' }),
  page({ first: 0 }, { status: 200, code: 'BAD_USER_INPUT' }),
  page({ after: '' }, { status: 200, code: 'BAD_USER_INPUT' }),
  page({ after: 'x'.repeat(40_000) }, { status: 200, code: 'BAD_USER_INPUT' }),
  page({ after: '\u0000.\u0000' }, { status: 200, code: 'BAD_USER_INPUT' }),
  page({ q: 'from:\u0000 subject:\ud800' }, { status: 200, data: { messages: { edges: [] } } }),
  page({ q: '\u202e'.repeat(3000) }, { status: 200, code: 'BAD_USER_INPUT' }),
  page({ labels: [''] }, { status: 200, code: 'BAD_USER_INPUT' }),
  page({ labels: Array.from({ length: 1000 }, (_, i) => `L${i}`) }, { status: 200, code: 'BAD_USER_INPUT' }),
  page({ labels: [null] }, { status: 400, code: 'BAD_USER_INPUT' }),
  page({ spam: 'yes' }, { status: 400, code: 'BAD_USER_INPUT' }),
  {
    name: 'disconnectGoogle over GET',
    expected: { status: 405, code: 'BAD_REQUEST' },
    method: 'GET',
    path: '/graphql?query=mutation%7BdisconnectGoogle%7D',
    headers: { 'apollo-require-preflight': 'true', authorization: 'SESSION' },
  },
];

describe('a sweep of malformed requests in production', () => {
  it.each(PROBES.map((probe) => [probe.name, probe] as const))(
    'answers %s with its expected status and code, without a stack trace',
    async (_name, probe) => {
      const headers = Object.fromEntries(
        Object.entries(probe.headers ?? {}).map(([k, v]) => [k, v === 'SESSION' ? `Bearer ${token}` : v]),
      );
      const response = await fetch(`${h.url}${probe.path ?? '/graphql'}`, {
        method: probe.method ?? 'POST',
        headers,
        ...(probe.body === undefined ? {} : { body: probe.body }),
      });
      const text = await response.text();
      expect(text).not.toMatch(/stacktrace|\n\s+at [\w.<]+ \(|node_modules|\/work\//);
      const body = JSON.parse(text) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
      const codes = (body.errors ?? []).map((error) => error.extensions?.code);
      if ('code' in probe.expected) {
        expect({ status: response.status, code: [...new Set(codes)] }).toEqual({
          status: probe.expected.status,
          code: [probe.expected.code],
        });
      } else {
        // extensions.gmailQuota (what the answer spent) is checked in test/quota; the sweep checks the answer.
        const { extensions: _quota, ...answer } = body as typeof body & { extensions?: unknown };
        expect({ status: response.status, body: answer }).toEqual({
          status: probe.expected.status,
          body: { data: probe.expected.data },
        });
      }
    },
  );

  it('is still serving afterwards, and the session still works', async () => {
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    expect((await h.graphql('{ viewer { email } }', {}, { token })).body.data).toEqual({
      viewer: { email: h.emulator.demoUser.email },
    });
  });
});

describe('query limits', () => {
  const PAGE_FIELDS =
    'edges { cursor node { id threadId subject from to date snippet labelIds sizeEstimate } }';
  it.each([
    ['an alias flood', `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: viewer { id }`).join(' ')} }`],
    [
      'a cost flood',
      `{ ${Array.from({ length: 14 }, (_, i) => `p${i}: messages(first: 100) { ${PAGE_FIELDS} }`).join(' ')} }`,
    ],
    ['a directive flood', `{ viewer ${'@skip(if: false) '.repeat(30)} { id } }`],
  ])('rejects %s before any resolver runs', async (_name, query) => {
    h.emulator.clearRequests();
    const response = await h.graphql(query, {}, { token });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(h.emulator.requests).toEqual([]);
  });

  it('lets a full page with every field through', async () => {
    const response = await h.graphql(
      `{ viewer { id email } messages(first: 100) { ${PAGE_FIELDS} pageInfo { hasNextPage endCursor } } }`,
      {},
      { token },
    );
    expect(response.body.errors).toBeUndefined();
  });
});
