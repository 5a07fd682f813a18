import type { AddressInfo } from 'node:net';
import express from 'express';
import { MongoNetworkError } from 'mongodb';
import { mountMetrics } from '../src/http/metrics';
import { Metrics } from '../src/metrics';
import { Harness } from './support/harness';

const DETAILS = `query Details($first: Int) {
  messages(first: $first) { edges { node { id subject } } }
}`;

/** Prometheus text exposition, as samples: series name with its labels, and value. */
function samples(text: string): Map<string, number> {
  const result = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample: ${line}`);
    const labels = (match[2] ?? '')
      .split(',')
      .filter((l) => l !== '')
      .sort()
      .join(',');
    result.set(`${match[1]}{${labels}}`, Number(match[3]));
  }
  return result;
}

/** The value of one series, 0 when the scrape does not have it yet; labels in any order. */
function valueOf(scraped: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  const key = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  return scraped.get(`${name}{${key}}`) ?? 0;
}

async function scrape(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return samples(await response.text());
}

describe('GET /metrics', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(() => h.stop());

  it('after a sign-in and a page of five, counts one messages.list, five messages.get, five cache misses and one ok request per operation', async () => {
    const { token } = await h.signIn();
    const before = await scrape(h.url);
    const first = await h.graphql<{ messages: { edges: unknown[] } }>(DETAILS, { first: 5 }, { token });
    expect(first.body.data?.messages.edges).toHaveLength(5);
    const after = await scrape(h.url);

    const moved = (name: string, labels: Record<string, string>) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(valueOf(before, 'gateway_graphql_requests_total', { operation: 'Start', outcome: 'ok' })).toBe(1);
    expect(valueOf(before, 'gateway_graphql_requests_total', { operation: 'SignIn', outcome: 'ok' })).toBe(1);
    expect(moved('gateway_graphql_requests_total', { operation: 'Details', outcome: 'ok' })).toBe(1);
    expect(
      moved('gateway_graphql_request_duration_seconds_count', { operation: 'Details', outcome: 'ok' }),
    ).toBe(1);
    expect(moved('gateway_gmail_calls_total', { method: 'messages.list', status: '200' })).toBe(1);
    expect(moved('gateway_gmail_calls_total', { method: 'messages.get', status: '200' })).toBe(5);
    expect(moved('gateway_metadata_cache_lookups_total', { result: 'miss' })).toBe(5);
    expect(moved('gateway_metadata_cache_lookups_total', { result: 'hit' })).toBe(0);
    // Google's published costs: 5 units for the list, 5 for each get.
    expect(moved('gateway_gmail_quota_units_total', { outcome: 'spent' })).toBe(30);

    // The same page again: listed anew, every message served from the cache.
    await h.graphql(DETAILS, { first: 5 }, { token });
    const again = await scrape(h.url);
    const movedAgain = (name: string, labels: Record<string, string>) =>
      valueOf(again, name, labels) - valueOf(after, name, labels);
    expect(movedAgain('gateway_gmail_calls_total', { method: 'messages.list', status: '200' })).toBe(1);
    expect(movedAgain('gateway_gmail_calls_total', { method: 'messages.get', status: '200' })).toBe(0);
    expect(movedAgain('gateway_metadata_cache_lookups_total', { result: 'hit' })).toBe(5);
    expect(movedAgain('gateway_gmail_quota_units_total', { outcome: 'spent' })).toBe(5);
  });

  it('counts a token refresh after a 401, and the replayed call once, by its status', async () => {
    const { token } = await h.signIn();
    await h.graphql(DETAILS, { first: 1 }, { token });
    const before = await scrape(h.url);
    h.emulator.expireAccessTokens();
    const response = await h.graphql(DETAILS, { first: 1 }, { token });
    expect(response.body.errors).toBeUndefined();
    const after = await scrape(h.url);
    const moved = (name: string, labels: Record<string, string>) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(moved('gateway_google_token_refreshes_total', { outcome: 'ok' })).toBe(1);
    expect(moved('gateway_google_token_refreshes_total', { outcome: 'failed' })).toBe(0);
    expect(moved('gateway_gmail_calls_total', { method: 'messages.list', status: '401' })).toBe(0);
    expect(moved('gateway_gmail_calls_total', { method: 'messages.list', status: '200' })).toBe(1);
  });

  it('counts a refresh Google refuses after the grant was revoked as a failed refresh, not as a Gmail call', async () => {
    const { token } = await h.signIn();
    await h.graphql(DETAILS, { first: 1 }, { token });
    const before = await scrape(h.url);
    h.emulator.revokeGrant('demo@example.com');
    const response = await h.graphql(DETAILS, { first: 1 }, { token });
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('CREDENTIALS_REVOKED');
    const after = await scrape(h.url);
    const moved = (name: string, labels: Record<string, string>) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(moved('gateway_google_token_refreshes_total', { outcome: 'failed' })).toBe(1);
    expect(moved('gateway_google_token_refreshes_total', { outcome: 'ok' })).toBe(0);
    expect(moved('gateway_gmail_calls_total', { method: 'messages.list', status: '400' })).toBe(0);
    expect(moved('gateway_graphql_requests_total', { operation: 'Details', outcome: 'error' })).toBe(1);
  });

  it('counts a request that failed under outcome error, and an unnamed operation as (anonymous)', async () => {
    const before = await scrape(h.url);
    await h.graphql('query Broken { messages(first: 1) { edges { node { id } } } }');
    await h.graphql('{ authorizationUrl { url } }');
    const after = await scrape(h.url);
    expect(
      valueOf(after, 'gateway_graphql_requests_total', { operation: 'Broken', outcome: 'error' }) -
        valueOf(before, 'gateway_graphql_requests_total', { operation: 'Broken', outcome: 'error' }),
    ).toBe(1);
    expect(
      valueOf(after, 'gateway_graphql_requests_total', { operation: '(anonymous)', outcome: 'ok' }) -
        valueOf(before, 'gateway_graphql_requests_total', { operation: '(anonymous)', outcome: 'ok' }),
    ).toBe(1);
  });

  it('lists every documented series, refused quota units at zero while no budget was refused', async () => {
    const text = await (await fetch(`${h.url}/metrics`)).text();
    for (const name of [
      'gateway_graphql_requests_total',
      'gateway_graphql_request_duration_seconds',
      'gateway_gmail_calls_total',
      'gateway_gmail_quota_units_total',
      'gateway_google_token_refreshes_total',
      'gateway_metadata_cache_lookups_total',
      'gateway_mongodb_errors_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(valueOf(samples(text), 'gateway_gmail_quota_units_total', { outcome: 'refused' })).toBe(0);
  });
});

describe('GET /metrics with a small Gmail budget', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ env: { GMAIL_USER_QUOTA_PER_MINUTE: '20' } });
  });
  afterAll(() => h.stop());

  it('counts the units of a page the budget refused, and spends none', async () => {
    const { token } = await h.signIn();
    const before = await scrape(h.url);
    const page = await h.graphql(DETAILS, { first: 5 }, { token });
    expect(page.body.errors?.map((e) => e.extensions?.code)).toEqual(['RATE_LIMITED']);
    const after = await scrape(h.url);
    const moved = (labels: Record<string, string>) =>
      valueOf(after, 'gateway_gmail_quota_units_total', labels) -
      valueOf(before, 'gateway_gmail_quota_units_total', labels);
    // The page plans 5 + 5 × 5 units, more than the 20 a minute allows: refused before any Gmail call.
    expect(moved({ outcome: 'refused' })).toBe(30);
    expect(moved({ outcome: 'spent' })).toBe(0);
    expect(h.emulator.count('messages.list')).toBe(0);
  });
});

describe('GET /metrics in production', () => {
  it('is not served unless METRICS_ENABLED=true', async () => {
    const h = await Harness.start({ production: true });
    try {
      expect((await fetch(`${h.url}/metrics`)).status).toBe(404);
    } finally {
      await h.stop();
    }
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  it('answers 401 without the bearer token or with a wrong one, and the series with it', async () => {
    const app = express();
    mountMetrics(app, new Metrics(), 'scrape-secret');
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${url}/metrics`)).status).toBe(401);
      expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(
        401,
      );
      const scraped = await scrape(url, { authorization: 'Bearer scrape-secret' });
      expect(valueOf(scraped, 'gateway_mongodb_errors_total')).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('Metrics', () => {
  it('counts an unreachable MongoDB once per error, however often the error is translated, and nothing else', async () => {
    const metrics = new Metrics();
    const unreachable = new MongoNetworkError('connection refused');
    metrics.storeError(unreachable);
    metrics.storeError(unreachable);
    metrics.storeError(new Error('a bug'));
    metrics.quota('spent', 10);
    metrics.quota('refused', 5);
    const scraped = samples((await metrics.scrape()).body);
    expect(valueOf(scraped, 'gateway_mongodb_errors_total')).toBe(1);
    expect(valueOf(scraped, 'gateway_gmail_quota_units_total', { outcome: 'spent' })).toBe(10);
    expect(valueOf(scraped, 'gateway_gmail_quota_units_total', { outcome: 'refused' })).toBe(5);
  });

  it('keeps its series apart from another instance in the same process', async () => {
    const one = new Metrics();
    const other = new Metrics();
    one.quota('spent', 5);
    const scraped = samples((await other.scrape()).body);
    expect(valueOf(scraped, 'gateway_gmail_quota_units_total', { outcome: 'spent' })).toBe(0);
  });
});
