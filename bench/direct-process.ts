import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Credentials } from 'google-auth-library';
import type { gmail_v1 } from 'googleapis/build/src/apis/gmail';
import type { GoogleConfig } from '../src/config';
import { fetchPageParallel, gmailWithTokens } from './google-direct';
import { serveParentCalls } from './ipc';

/**
 * Child process: the throughput baseline. A plain node:http server that answers `GET /page?user=<n>&pageToken=…`
 * with the same googleapis calls an application would make (list, then the 20 gets at once) and returns the page
 * as JSON. Tokens are held in memory: no session, no store, no GraphQL.
 */
export type DirectProcessApi = {
  start(params: {
    readonly google: GoogleConfig;
    readonly users: readonly Credentials[];
  }): Promise<{ readonly url: string }>;
};

serveParentCalls<DirectProcessApi>({
  async start({ google, users }) {
    const gmails: gmail_v1.Gmail[] = users.map((tokens) => gmailWithTokens(google, tokens));
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const gmail = gmails[Number(url.searchParams.get('user'))];
      if (url.pathname !== '/page' || gmail === undefined) {
        res.writeHead(404).end();
        return;
      }
      fetchPageParallel(gmail, url.searchParams.get('pageToken')).then(
        (page) => {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(page));
        },
        (error: unknown) => {
          res
            .writeHead(502, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: String(error) }));
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  },
});
