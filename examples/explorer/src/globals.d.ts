/** The example operations as GraphiQL tabs, put in by build.mjs (esbuild `define`). */
declare const EXAMPLE_TABS: ReadonlyArray<{ readonly query: string }>;
/** The header editor's text in every tab, new ones included (build.mjs). */
declare const EXAMPLE_HEADERS: string;
