import type { RequestListener } from 'node:http';

/** Paths that answer on any host: API clients (curl, tests, other origins) call them by whatever name they use. */
const ANY_HOST_PATHS = /^\/(graphql|healthz|readyz|metrics)(\/|\?|$)/;

/**
 * Sends a browser that opened the web client on another name of this host (http://127.0.0.1:PORT) to the one
 * origin sign-in works from. The sign-in keeps its state in the page origin's sessionStorage and Google sends the
 * browser back to the one registered redirect URI, so a sign-in started on another origin could never finish.
 */
export function redirectPagesTo(
  origin: string,
  aliases: readonly string[],
  next: RequestListener,
): RequestListener {
  const aliasHosts = new Set(aliases.map((alias) => new URL(alias).host));
  return (req, res) => {
    const path = req.url ?? '/';
    if (
      (req.method === 'GET' || req.method === 'HEAD') &&
      aliasHosts.has(req.headers.host ?? '') &&
      !ANY_HOST_PATHS.test(path)
    ) {
      res.writeHead(307, { location: `${origin}${path}`, 'cache-control': 'no-store' }).end();
      return;
    }
    next(req, res);
  };
}
