import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';

/**
 * Only this origin's scripts, stylesheets and connections; GraphiQL's fonts and icons are embedded as data:
 * URLs. Nothing from a CDN can load, so the explorer works offline and a compromised CDN cannot run code here.
 * Inline styles are allowed: Radix (GraphiQL's menus and dialogs) injects a <style> element to lock scrolling,
 * and a style cannot run script.
 */
export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The built explorer (`npm run build:web` writes examples/explorer/dist). Found by walking up from this file,
 * because it runs both from src/http (ts-jest, tsx) and from dist/src/http (npm start).
 */
export function defaultExplorerRoot(from: string = __dirname): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'examples', 'explorer', 'build.mjs')))
      return join(dir, 'examples', 'explorer', 'dist');
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Outside production: `GET /graphql` from a browser (Accept prefers text/html) answers the offline GraphiQL
 * explorer, its assets are under `/explorer/`, and `GET /graphql?sandbox` falls through to Apollo's landing
 * page (Sandbox, which needs internet). In production nothing is mounted. Mount before the /graphql handler.
 */
export function mountExplorer(app: Express, production: boolean, root = defaultExplorerRoot()): void {
  if (production) return;
  app.use('/explorer', securityHeaders);
  if (root !== undefined) app.use('/explorer', express.static(root, { index: false }));
  // Not the web client's index.html (static-web answers every other path with it): a missing asset is a 404.
  app.use('/explorer', (_req, res) => {
    res.status(404).type('text/plain').send('Not found\n');
  });
  app.get('/graphql', (req, res, next) => {
    if (!wantsExplorer(req)) return next();
    securityHeaders(req, res, () => undefined);
    res.setHeader('cache-control', 'no-store');
    if (root === undefined || !existsSync(join(root, 'index.html'))) {
      res
        .status(503)
        .type('text/plain')
        .send('The API explorer is not built: run `npm run build:web`. Apollo Sandbox: /graphql?sandbox\n');
      return;
    }
    res.sendFile('index.html', { root });
  });
}

/** A browser opening the URL, not a GraphQL GET request; `?sandbox` asks for Apollo Sandbox instead. */
function wantsExplorer(req: Request): boolean {
  if ('sandbox' in (req.query as Record<string, unknown>)) return false;
  return req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
}

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('content-security-policy', EXPLORER_CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  next();
}
