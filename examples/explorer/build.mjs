// Builds the offline API explorer (GraphiQL) into examples/explorer/dist: index.html, main.js and main.css,
// everything GraphiQL needs bundled from node_modules, so the page loads with no internet. `npm run build:web`
// runs it; the gateway serves dist/ at GET /graphql (HTML) and /explorer/* outside production.
// GraphiQL 4 (with React 19): its editors are CodeMirror 5, plain modules that esbuild bundles into one script.
// GraphiQL 5 moved to Monaco, whose language services run in web workers that need bundles of their own and a
// CSP allowing worker-src; 3.x would pin React 18.
// The tabs it opens with are examples/operations/*.graphql, each made runnable on its own (fragments it uses
// from other files appended), so the examples stay the single source of the operations.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { Kind, parse, visit } from 'graphql';

const here = import.meta.dirname;
const outdir = join(here, 'dist');
const operationsDir = join(here, '..', 'operations');
/** Sign-in first: it is the first thing a new user runs. Files not listed follow in name order. */
const TAB_ORDER = ['sign-in.graphql', 'viewer.graphql', 'messages.graphql', 'sign-out.graphql'];
const HEADERS = JSON.stringify({ Authorization: 'Bearer <sessionToken from exchangeCode>' }, null, 2);

/** @returns {Promise<{ query: string }[]>} */
async function exampleTabs() {
  const names = (await readdir(operationsDir)).filter((name) => name.endsWith('.graphql'));
  const rank = (name) => (TAB_ORDER.includes(name) ? TAB_ORDER.indexOf(name) : TAB_ORDER.length);
  names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const files = await Promise.all(
    names.map(async (name) => {
      const text = await readFile(join(operationsDir, name), 'utf8');
      return { name, text, document: parse(text) };
    }),
  );
  /** fragment name -> its source text and the file it lives in */
  const fragments = new Map();
  for (const file of files)
    for (const definition of file.document.definitions)
      if (definition.kind === Kind.FRAGMENT_DEFINITION && definition.loc)
        fragments.set(definition.name.value, {
          file: file.name,
          source: file.text.slice(definition.loc.start, definition.loc.end),
        });
  return files.map((file) => {
    const defined = new Set(
      file.document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [d.name.value] : [])),
    );
    const borrowed = [];
    const pending = [file.document];
    while (pending.length > 0) {
      visit(pending.pop(), {
        FragmentSpread(node) {
          const name = node.name.value;
          if (defined.has(name)) return;
          const fragment = fragments.get(name);
          if (fragment === undefined) throw new Error(`${file.name}: fragment ${name} is defined nowhere`);
          defined.add(name);
          borrowed.push(`# From ${fragment.file}.\n${fragment.source}\n`);
          pending.push(parse(fragment.source));
        },
      });
    }
    const query = [file.text.trimEnd() + '\n', ...borrowed].join('\n');
    return { query };
  });
}

const tabs = await exampleTabs();
await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
await writeFile(join(outdir, 'index.html'), await readFile(join(here, 'src', 'index.html'), 'utf8'));
await esbuild.build({
  absWorkingDir: here,
  entryPoints: { main: 'src/main.tsx' },
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  jsx: 'automatic',
  define: {
    'process.env.NODE_ENV': '"production"',
    EXAMPLE_TABS: JSON.stringify(tabs),
    EXAMPLE_HEADERS: JSON.stringify(HEADERS),
  },
  // GraphiQL's stylesheet embeds its fonts and images as data: URLs; anything else would be a file.
  loader: { '.woff2': 'file', '.woff': 'file', '.svg': 'file', '.png': 'file' },
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
});
