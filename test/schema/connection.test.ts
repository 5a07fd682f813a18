import { buildConnection } from '../../src/schema/connection';

describe('buildConnection', () => {
  it('signs a cursor only when it is read, and once', () => {
    const signed: number[] = [];
    const connection = buildConnection(
      ['a', 'b', 'c'],
      { hasNextPage: true, hasPreviousPage: false },
      (_node, index) => {
        signed.push(index);
        return `cursor-${index}`;
      },
    );
    expect(connection.edges.map((edge) => edge.node)).toEqual(['a', 'b', 'c']);
    expect(signed).toEqual([]);

    expect(connection.pageInfo.endCursor).toBe('cursor-2');
    expect(connection.edges[2]!.cursor).toBe('cursor-2');
    expect(signed).toEqual([2]);
    expect(connection.edges[1]!.cursor).toBe('cursor-1');
    expect(signed).toEqual([2, 1]);
  });

  it('derives the page info from the first and last edge', () => {
    const connection = buildConnection(
      ['a', 'b'],
      { hasNextPage: false, hasPreviousPage: true },
      (node) => `at-${node}`,
    );
    expect({ ...connection.pageInfo }).toEqual({
      hasNextPage: false,
      hasPreviousPage: true,
      startCursor: 'at-a',
      endCursor: 'at-b',
    });
  });

  it('has null start and end cursors without edges', () => {
    const connection = buildConnection([], { hasNextPage: false, hasPreviousPage: true }, () => {
      throw new Error('no edge to sign');
    });
    expect(connection.edges).toEqual([]);
    expect({ ...connection.pageInfo }).toEqual({
      hasNextPage: false,
      hasPreviousPage: true,
      startCursor: null,
      endCursor: null,
    });
  });
});
