import { OAuth2Client } from 'google-auth-library';
import { MongoClient } from 'mongodb';
import { createServer as createHttpServer, get, type Server as HttpServer } from 'node:http';
import { connect, createConnection, createServer, type AddressInfo, type Server } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { fetchWithoutUrlCheck, LoopbackOnlyError } from './support/loopback-only';

// TEST-NET-1 (RFC 5737) and a private address nobody here routes: never reached, since the guard throws first.
const OUTSIDE = ['192.0.2.1', '10.255.255.1', '2001:db8::1'];

function listen(server: Server | HttpServer, host: string): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port)),
  );
}

function echoOnce(host: string, port: number, connectHost = host): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: connectHost, port }, () => socket.end('ping'));
    socket.setEncoding('utf8');
    let received = '';
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('the loopback-only guard of the test run', () => {
  it.each(OUTSIDE)('refuses net.connect to %s before the socket connects', (host) => {
    expect(() => connect({ host, port: 80 })).toThrow(LoopbackOnlyError);
    expect(() => createConnection(80, host)).toThrow(`refused a connection to ${host}:80`);
  });

  it('refuses a host name other than localhost without looking it up', () => {
    const lookup = jest.fn();
    expect(() => connect({ host: 'oauth2.googleapis.com', port: 443, lookup })).toThrow(LoopbackOnlyError);
    expect(lookup).not.toHaveBeenCalled();
  });

  it('refuses tls.connect and http.get to an outside address', () => {
    expect(() => tlsConnect({ host: '192.0.2.1', port: 443 })).toThrow(LoopbackOnlyError);
    expect(() => get('http://192.0.2.1/')).toThrow(LoopbackOnlyError);
  });

  it.each([
    'http://192.0.2.1/',
    'https://10.255.255.1/token',
    'http://[2001:db8::1]:8080/',
    'https://gmail.googleapis.com/',
  ])('rejects fetch(%s) with the guard error', async (url) => {
    await expect(fetch(url)).rejects.toThrow(LoopbackOnlyError);
  });

  it('refuses fetch at the socket too, when the URL check is bypassed', async () => {
    const failure = (await fetchWithoutUrlCheck('http://192.0.2.1/').catch(
      (error: unknown) => error,
    )) as Error;
    // Node's own "fetch failed", whose cause undici rebuilt from the guard's error thrown in its connector.
    expect(failure.message).toBe('fetch failed');
    expect((failure.cause as Error).message).toMatch(
      /^LoopbackOnlyError: .*refused a connection to 192\.0\.2\.1:80$/,
    );
  });

  it('fails google-auth-library (gaxios) and the mongodb driver pointed outside, with the guard error', async () => {
    const oauth = new OAuth2Client({
      clientId: 'id',
      clientSecret: 'secret',
      redirectUri: 'http://127.0.0.1/cb',
      endpoints: { oauth2TokenUrl: 'https://192.0.2.1/token' },
    });
    await expect(oauth.getToken({ code: 'c', codeVerifier: 'v'.repeat(43) })).rejects.toThrow(
      'refused a connection to 192.0.2.1',
    );
    const mongo = new MongoClient('mongodb://10.255.255.1:27017', { serverSelectionTimeoutMS: 300 });
    try {
      await expect(mongo.connect()).rejects.toThrow('refused a connection to 10.255.255.1:27017');
    } finally {
      await mongo.close();
    }
  });

  describe('on loopback', () => {
    const server = createServer((socket) => socket.pipe(socket));
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('lets net.connect reach 127.0.0.1 and localhost', async () => {
      const port = await listen(server, '127.0.0.1');
      await expect(echoOnce('127.0.0.1', port)).resolves.toBe('ping');
      await expect(echoOnce('127.0.0.1', port, 'localhost')).resolves.toBe('ping');
    });

    it.each(['127.0.0.1', '::1'])('lets fetch reach an HTTP server on %s', async (host) => {
      const http = createHttpServer((_req, res) => res.end('pong'));
      try {
        const port = await listen(http, host);
        const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
        expect(await (await fetch(url)).text()).toBe('pong');
      } finally {
        await new Promise<void>((resolve) => http.close(() => resolve()));
      }
    });
  });
});
