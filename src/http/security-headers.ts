import type { RequestHandler } from 'express';

/** One year, the value HSTS preload lists ask for. */
const HSTS_MAX_AGE_SECONDS = 365 * 24 * 3600;

/**
 * Headers every response carries, API, health checks and the web client alike:
 * - `X-Content-Type-Options: nosniff`: a browser never guesses a type other than the one declared;
 * - `Content-Security-Policy: frame-ancestors 'none'` (and `X-Frame-Options: DENY` for older browsers): no page
 *   may frame ours (click-jacking). It limits who frames us, not what we load, so the Sandbox page, which itself
 *   embeds Apollo's iframe, and the example web client keep working;
 * - `Strict-Transport-Security` outside local mode: a deployment sits behind TLS, and browsers then refuse to
 *   downgrade. Local mode serves plain http on localhost, where the header would only mislead.
 */
export function securityHeaders(options: { readonly hsts: boolean }): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
    res.setHeader('X-Frame-Options', 'DENY');
    if (options.hsts) {
      res.setHeader('Strict-Transport-Security', `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`);
    }
    next();
  };
}

/**
 * Answers unknown paths, mounted last. Express's default 404 page would replace the Content-Security-Policy above
 * with its own `default-src 'none'`, which says nothing about framing.
 */
export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ error: 'not found' });
};
