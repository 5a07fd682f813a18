// Builds the example web client into examples/web/dist: index.html, main.js (esbuild bundle) and styles.css.
// `npm run build:web`; add `-- --watch` to rebuild on change (the gateway serves dist/ from disk, so reload).
// Type checking is tsc's job (`tsc --noEmit -p examples/web/tsconfig.json`); esbuild only strips types.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import * as esbuild from 'esbuild';

const here = import.meta.dirname;
const outdir = join(here, 'dist');
const watch = process.argv.includes('--watch');

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
await copyFile(join(here, 'src', 'index.html'), join(outdir, 'index.html'));

/** @type {import('esbuild').BuildOptions} */
const options = {
  absWorkingDir: here,
  entryPoints: ['src/main.ts', 'src/styles.css'],
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  // Apollo Client's "production" export condition drops its development-only checks and messages.
  conditions: watch ? [] : ['production'],
  minify: !watch,
  sourcemap: 'linked',
  logLevel: 'info',
};

if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}
