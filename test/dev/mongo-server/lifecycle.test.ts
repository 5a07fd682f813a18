import { MongoClient } from 'mongodb';
import { start, type MongoServer } from '../../../dev/mongo-server';
import { itWithOwnServer } from './target';

// stop(), suspend() and resume() exist only on dev/mongo-server: these tests are skipped against a real MongoDB.
describe('mongo-server: lifecycle', () => {
  const servers: MongoServer[] = [];
  const clients: MongoClient[] = [];

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all(servers.map((server) => server.stop()));
  });

  async function serverWithClient(serverSelectionTimeoutMS: number) {
    const server = await start();
    servers.push(server);
    const client = new MongoClient(server.uri, { serverSelectionTimeoutMS });
    clients.push(client);
    await client.connect();
    return { server, client, things: client.db('lifecycle').collection<{ _id: string }>('things') };
  }

  itWithOwnServer('listens on an ephemeral loopback port and says so in its URI', async () => {
    const { server } = await serverWithClient(2000);

    expect(server.port).toBeGreaterThan(0);
    expect(server.uri).toBe(`mongodb://127.0.0.1:${server.port}/`);
  });

  itWithOwnServer(
    'stops promptly with clients connected, and the clients then get errors instead of hanging',
    async () => {
      const { server, things } = await serverWithClient(300);
      await things.insertOne({ _id: 'before-stop' });

      const startedAt = performance.now();
      await server.stop();
      const stopMs = performance.now() - startedAt;

      expect(stopMs).toBeLessThan(500);
      await expect(things.findOne({ _id: 'before-stop' })).rejects.toThrow();
      await server.stop();
      await expect(server.resume()).rejects.toThrow(/stopped/);
    },
  );

  itWithOwnServer('keeps its data through suspend() and resume(), and the same client recovers', async () => {
    const { server, things } = await serverWithClient(300);
    await things.insertOne({ _id: 'kept' });
    const port = server.port;

    await server.suspend();
    await expect(things.findOne({ _id: 'kept' })).rejects.toThrow();
    await server.resume();

    expect(server.port).toBe(port);
    expect(await eventually(() => things.findOne({ _id: 'kept' }))).toEqual({ _id: 'kept' });
    await things.insertOne({ _id: 'after' });
    expect(await things.countDocuments()).toBe(2);
  });
});

/** Retries an operation while the driver rediscovers a server that came back (it re-checks every 500 ms at most). */
async function eventually<T>(operation: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}
