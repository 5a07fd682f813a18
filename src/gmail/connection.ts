/** The one Relay connection builder: edges with cursors, and the page info derived from them. */

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

export function buildConnection<T>(
  nodes: readonly T[],
  page: { readonly hasNextPage: boolean; readonly hasPreviousPage: boolean },
  cursorOf: (node: T, index: number) => string,
): Connection<T> {
  const edges = nodes.map((node, index) => ({ cursor: cursorOf(node, index), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
