import { Agent, request } from 'node:http';

/** A GraphQL response body as the benchmark reads it. */
export interface GraphQLBody<T> {
  readonly data?: T | null;
  readonly errors?: ReadonlyArray<{
    readonly message: string;
    readonly extensions?: { readonly code?: string };
  }>;
}

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The load generator's HTTP client: plain node:http with one keep-alive agent per server under test (created
 * once per target, as many sockets as workers), so that generating load costs as little as possible.
 */
export class HttpClient {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, maxSockets: number) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** Resizes the socket pool (e.g. 200 for the refresh storm). */
  setMaxSockets(maxSockets: number): void {
    this.agent.maxSockets = maxSockets;
    this.agent.maxFreeSockets = maxSockets;
  }

  send(method: 'GET' | 'POST', path: string, body?: string, headers: Record<string, string> = {}) {
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: this.host,
          port: this.port,
          method,
          path,
          agent: this.agent,
          timeout: REQUEST_TIMEOUT_MS,
          headers: {
            ...(body === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`no answer from ${this.host}:${this.port} in ${REQUEST_TIMEOUT_MS} ms`)),
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** POSTs to /graphql; the status and the parsed body, whatever they are (callers check them). */
  async graphql<T>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
  ): Promise<{ status: number; body: GraphQLBody<T> }> {
    const { status, text } = await this.send(
      'POST',
      '/graphql',
      JSON.stringify({ query, variables }),
      token === undefined ? {} : { authorization: `Bearer ${token}` },
    );
    return { status, body: JSON.parse(text) as GraphQLBody<T> };
  }

  close(): void {
    this.agent.destroy();
  }
}
