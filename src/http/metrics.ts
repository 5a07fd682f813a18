import { timingSafeEqual } from 'node:crypto';
import type { Express } from 'express';
import type { Metrics } from '../metrics';

/**
 * `GET /metrics` in Prometheus's text format, off the GraphQL path. With a token, a scrape must send
 * `Authorization: Bearer <token>`; anything else answers 401 without a body worth reading.
 */
export function mountMetrics(app: Express, metrics: Metrics, token: string | null): void {
  app.get('/metrics', (req, res, next) => {
    if (token !== null && !bearerMatches(req.headers.authorization, token)) {
      res
        .status(401)
        .set('www-authenticate', 'Bearer')
        .type('text/plain')
        .send('metrics need a bearer token\n');
      return;
    }
    metrics.scrape().then(({ contentType, body }) => {
      res.status(200).set('content-type', contentType).set('cache-control', 'no-store').send(body);
    }, next);
  });
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}
