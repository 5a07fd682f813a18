import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** `node dist/src/main.js` as a test runs it: what it printed so far, and how it ended. */
export interface MainProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<number | null>;
}

/** A fresh local data folder (LOCAL_DATA_DIR) for a test that restarts the gateway on the same data. */
export function localDataDir(): { readonly path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'gateway-local-data-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Runs the built entry point (`npm test` builds first) with PATH and the given environment only, so that no
 * MONGODB_URI, GOOGLE_* or NODE_ENV from the shell or CI leaks in. Without a LOCAL_DATA_DIR, local mode keeps
 * its data in a temporary folder deleted when the process exits, never in the project's `.local/`. `node` is
 * another Node binary to run it with.
 */
export function runMain(env: Record<string, string>, options: { node?: string } = {}): MainProcess {
  const scratch = env.LOCAL_DATA_DIR === undefined ? localDataDir() : undefined;
  const child = spawn(options.node ?? process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ...(scratch ? { LOCAL_DATA_DIR: scratch.path } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      scratch?.remove();
      resolve(code);
    }),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/**
 * Waits for the `gateway listening` log line and reads the port from it, and in local mode the emulator's URL
 * from the banner printed before it. Fails with the process's output when it exits first or takes too long.
 */
export async function listening(
  main: MainProcess,
  timeoutMs = 20_000,
): Promise<{ readonly port: number; readonly emulatorUrl: string | null }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const port = main
      .stdout()
      .split('\n')
      .map(jsonLine)
      .find((line) => line?.['msg'] === 'gateway listening')?.['port'];
    if (typeof port === 'number') {
      const emulator = /Google is EMULATED at (http:\/\/127\.0\.0\.1:\d+)/.exec(main.stdout());
      return { port, emulatorUrl: emulator?.[1] ?? null };
    }
    const output = () => `${main.stdout()}${main.stderr()}`;
    if (main.child.exitCode !== null || main.child.signalCode !== null) {
      throw new Error(`the gateway exited (${main.child.exitCode ?? main.child.signalCode}):\n${output()}`);
    }
    if (Date.now() > deadline)
      throw new Error(`the gateway did not listen within ${timeoutMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function jsonLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
