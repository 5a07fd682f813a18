import type { ApolloClient } from '@apollo/client';

/** What every page gets. Created once per page load by main.ts. */
export interface AppContext {
  readonly client: ApolloClient;
  /** Where pages render; emptied before each page. */
  readonly root: HTMLElement;
  /** Client-side navigation (history API), then renders the page for the new path. */
  navigate(path: string, options?: { replace?: boolean }): void;
}

/** Renders a page into `context.root`; returns what to undo when the page goes away (subscriptions). */
export type Page = (context: AppContext) => () => void;
