// The one Relay connection builder: edges with cursors, and the page info derived from them. Services build
// their pages with it; the GraphQL types it fills come from `ConnectionType` in connection.type.ts.

export interface Edge<T> {
  readonly cursor: string;
  readonly node: T;
}

export interface Connection<T> {
  readonly edges: Edge<T>[];
  readonly pageInfo: {
    readonly hasNextPage: boolean;
    readonly hasPreviousPage: boolean;
    readonly startCursor: string | null;
    readonly endCursor: string | null;
  };
}

/**
 * An edge whose cursor is computed when first read: signing a cursor costs an HMAC, and most pages are read
 * for their nodes and `endCursor` only. GraphQL's default resolver reads the getter like any property.
 */
class LazyEdge<T> implements Edge<T> {
  private signed: string | undefined;

  constructor(
    readonly node: T,
    private readonly sign: () => string,
  ) {}

  get cursor(): string {
    return (this.signed ??= this.sign());
  }
}

export function buildConnection<T>(
  nodes: readonly T[],
  page: { readonly hasNextPage: boolean; readonly hasPreviousPage: boolean },
  cursorOf: (node: T, index: number) => string,
): Connection<T> {
  const edges: Edge<T>[] = nodes.map((node, index) => new LazyEdge(node, () => cursorOf(node, index)));
  const first = edges[0];
  const last = edges.at(-1);
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      get startCursor() {
        return first?.cursor ?? null;
      },
      get endCursor() {
        return last?.cursor ?? null;
      },
    },
  };
}
