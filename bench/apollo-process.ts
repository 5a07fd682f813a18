import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { serveParentCalls } from './ipc';

/**
 * Child process: the session-lookup baseline. A bare Apollo Server on the same @apollo/server + Express 5
 * integration as the gateway, with a trivial schema, answering `{ __typename }`: what any GraphQL request costs
 * before a resolver does work.
 */
export type ApolloProcessApi = {
  start(params: Record<string, never>): Promise<{ readonly url: string }>;
};

serveParentCalls<ApolloProcessApi>({
  async start() {
    const apollo = new ApolloServer({ typeDefs: 'type Query { ok: Boolean }', resolvers: {} });
    await apollo.start();
    const app = express();
    app.disable('x-powered-by');
    app.use('/graphql', express.json(), expressMiddleware(apollo));
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  },
});
