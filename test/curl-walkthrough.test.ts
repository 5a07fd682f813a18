import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { renderCallbackEcho } from '../dev/google-emulator/home-page';
import { Harness } from './support/harness';

const run = promisify(execFile);

let h: Harness;
beforeAll(async () => {
  h = await Harness.start();
});
afterAll(() => h.stop());

/** The text of the element with `data-testid`, as a person copies it from the page. */
function textOf(page: string, testId: string): string {
  const match = new RegExp(`<(\\w+) data-testid="${testId}">([^<]*)</\\1>`).exec(page);
  if (!match) throw new Error(`no ${testId} on the page:\n${page}`);
  return match[2]!.replace(/&(lt|gt|quot|#39|amp);/g, (_, entity: string) =>
    entity === 'lt' ? '<' : entity === 'gt' ? '>' : entity === 'quot' ? '"' : entity === '#39' ? "'" : '&',
  );
}

describe("the emulator's callback page in local mode", () => {
  it('shows code and state decoded, and a curl command that, pasted into a shell, signs in', async () => {
    const { code, state, requestSecret } = await h.consent();
    // As the browser's address bar holds them: URL-encoded.
    const query = new URLSearchParams(`code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`);
    const page = renderCallbackEcho(
      query,
      h.emulator.endpoints.tokenUrl,
      'http://127.0.0.1:1/oauth/callback-echo',
      { clientId: 'unused', clientSecret: 'unused' },
      `${h.url}/graphql`,
    ).body;

    expect(textOf(page, 'code')).toBe(code);
    expect(textOf(page, 'state')).toBe(state);
    // The secret never travels in a URL, so the page cannot show it: the command reads it from the shell.
    const { stdout } = await run('sh', ['-c', textOf(page, 'exchange-curl')], {
      env: { ...process.env, REQUEST_SECRET: requestSecret },
    });
    const answer = JSON.parse(stdout) as {
      data?: { exchangeCode: { sessionToken: string; viewer: { email: string } } };
    };
    expect(answer.data?.exchangeCode.viewer.email).toBe('demo@example.com');

    const mailbox = await h.graphql<{ messages: { edges: unknown[] } }>(
      '{ messages(first: 2) { edges { node { id } } } }',
      {},
      { token: answer.data!.exchangeCode.sessionToken },
    );
    expect(mailbox.body.data?.messages.edges).toHaveLength(2);
  });

  it('quotes a value holding a quote so that the shell passes it on unchanged', async () => {
    const page = renderCallbackEcho(
      new URLSearchParams({ code: "it's", state: 's' }),
      h.emulator.endpoints.tokenUrl,
      'http://127.0.0.1:1/oauth/callback-echo',
      { clientId: 'unused', clientSecret: 'unused' },
      `${h.url}/graphql`,
    ).body;
    // A curl that prints the arguments the shell gave it, one a line.
    const printArgs = 'curl() { for arg; do printf "%s\\n" "$arg"; done; }';
    const { stdout } = await run('sh', ['-c', `${printArgs}\n${textOf(page, 'exchange-curl')}`]);
    const args = stdout.trimEnd().split('\n');
    expect(args.slice(0, 5)).toEqual([
      '-s',
      `${h.url}/graphql`,
      '-H',
      'content-type: application/json',
      '-d',
    ]);
    expect(JSON.parse(args[5]!)).toMatchObject({ variables: { code: "it's", state: 's' } });
  });
});
