import express, { type Express } from 'express';

/**
 * Serves a built single-page web client at `/`. Unknown GET paths outside the API answer its index.html, so
 * client-side routes such as /callback work. Mounted after the API routes.
 */
export function mountWebClient(app: Express, webRoot: string): void {
  app.use(express.static(webRoot, { index: 'index.html', fallthrough: true }));
  app.get(/^\/(?!graphql|healthz|readyz).*/, (_req, res) => {
    res.sendFile('index.html', { root: webRoot });
  });
}
