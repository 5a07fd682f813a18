import type { Express } from 'express';
import type { Db } from 'mongodb';

/**
 * `/healthz` answers while the process runs; `/readyz` only while MongoDB answers a ping, so that a load
 * balancer stops sending traffic to an instance that cannot serve it.
 */
export function mountHealthChecks(app: Express, db: Db): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await db.command({ ping: 1 }, { timeoutMS: 1500 });
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'unavailable', reason: 'MongoDB does not answer' });
    }
  });
}
