import { errorCodes, Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await Harness.start({ production: true });
});
afterAll(() => h.stop());

describe('NODE_ENV=production', () => {
  it('turns introspection off', async () => {
    const response = await h.graphql('{ __schema { types { name } } }');
    expect(errorCodes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('gives no "did you mean" suggestions', async () => {
    const response = await h.graphql('{ viewr { id } }');
    expect(errorCodes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(JSON.stringify(response.body)).not.toMatch(/Did you mean/i);
  });

  it('serves no landing page', async () => {
    const page = await fetch(`${h.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/<html/i);
  });

  it('masks an unexpected error as INTERNAL_SERVER_ERROR with a request id that the log line carries with the real error', async () => {
    const { token, viewer } = await h.signIn();
    // A document no code path writes: the resolver then fails in a way nobody planned for.
    await h.db.collection('credentials').updateOne({ _id: viewer.id as never }, { $unset: { email: '' } });
    const response = await h.graphql(
      '{ viewer { id email } }',
      {},
      { token, headers: { 'x-request-id': 'req-42' } },
    );
    expect(response.status).toBe(200);
    // The id is ours, not the one the caller sent; theirs is logged beside it.
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        message: 'Internal server error',
        extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
      }),
    ]);
    expect(JSON.stringify(response.body)).not.toMatch(/stacktrace|at \w+ \(/);
    const logged = h.logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'error',
        requestId,
        clientRequestId: 'req-42',
        msg: 'unexpected error',
        err: expect.anything(),
      }),
    );
    expect(logged).toContainEqual(
      expect.objectContaining({
        requestId,
        clientRequestId: 'req-42',
        outcome: 'error',
        errorCodes: ['INTERNAL_SERVER_ERROR'],
      }),
    );
  });
});

describe('HTTP protections', () => {
  it('allows browser calls only from CORS_ORIGINS', async () => {
    const preflight = (origin: string) =>
      fetch(`${h.url}/graphql`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,authorization',
        },
      });
    const allowed = await preflight('http://127.0.0.1:5173');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    const foreign = await preflight('https://evil.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers 413 to a body over the limit and 400 to a simple cross-site POST (CSRF prevention)', async () => {
    const big = await fetch(`${h.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ viewer { id } } #${'x'.repeat(70_000)}` }),
    });
    expect(big.status).toBe(413);
    const simple = await fetch(`${h.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: 'mutation { signOut }' }),
    });
    expect(simple.status).toBe(400);
  });

  it('refuses batched requests', async () => {
    const batch = await fetch(`${h.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ viewer { id } }' }, { query: '{ viewer { id } }' }]),
    });
    expect(batch.status).toBe(400);
  });
});
