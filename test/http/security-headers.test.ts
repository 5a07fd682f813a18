import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { securityHeaders } from '../../src/http/security-headers';
import { Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await Harness.start();
});
afterAll(() => h.stop());

const HSTS = 'max-age=31536000; includeSubDomains';

function expectSecurityHeaders(headers: Headers, hsts: string | null): void {
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('strict-transport-security')).toBe(hsts);
}

describe('security headers', () => {
  it('are on every response outside local mode: GraphQL, health checks, preflights, errors and unknown paths', async () => {
    const responses = [
      (await h.graphql('{ viewer { id } }')).headers,
      (await fetch(`${h.url}/healthz`)).headers,
      (await fetch(`${h.url}/readyz`)).headers,
      (await fetch(`${h.url}/nowhere`)).headers,
      (
        await fetch(`${h.url}/graphql`, {
          method: 'OPTIONS',
          headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST' },
        })
      ).headers,
      (
        await fetch(`${h.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"query": ',
        })
      ).headers,
    ];
    for (const headers of responses) expectSecurityHeaders(headers, HSTS);
  });

  it('leave out HSTS in local mode (plain http on localhost) and keep the others', async () => {
    const app = express();
    app.use(securityHeaders({ hsts: false }));
    app.get('/', (_req, res) => {
      res.send('<!doctype html><title>web client</title>');
    });
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(response.status).toBe(200);
      expectSecurityHeaders(response.headers, null);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('request ids', () => {
  it('are always our own: a caller’s x-request-id is logged as clientRequestId and never echoed as ours', async () => {
    const response = await h.graphql(
      'query Probe { viewer { id } }',
      {},
      { headers: { 'x-request-id': 'caller-42' } },
    );

    const ours = response.headers.get('x-request-id');
    expect(ours).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const line = h.logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['requestId'] === ours);
    expect(line).toMatchObject({ operationName: 'Probe', clientRequestId: 'caller-42' });
    expect(h.logLines.some((l) => l.includes('"requestId":"caller-42"'))).toBe(false);
  });

  it('differ for every request, also when the caller sends the same id twice', async () => {
    const headers = { 'x-request-id': 'same' };
    const [a, b] = await Promise.all([
      h.graphql('{ viewer { id } }', {}, { headers }),
      h.graphql('{ viewer { id } }', {}, { headers }),
    ]);

    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
    expect(a.headers.get('x-request-id')).not.toBe('same');
  });

  it('log no clientRequestId when the caller’s is not short and plain', async () => {
    const response = await h.graphql(
      'query Odd { viewer { id } }',
      {},
      { headers: { 'x-request-id': 'a b<script>' } },
    );

    const ours = response.headers.get('x-request-id');
    const line = h.logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['requestId'] === ours);
    expect(line).toMatchObject({ operationName: 'Odd' });
    expect(line).not.toHaveProperty('clientRequestId');
  });
});
