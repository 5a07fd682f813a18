import { afterSkip, GMAIL_MAX_RESULTS, pageEdges, planPage } from '../../src/gmail/page-position';

const cursorsOf = (edges: ReturnType<typeof pageEdges>) =>
  Array.from({ length: edges.to - edges.from }, (_, index) => edges.cursorAt(index));

describe('page position', () => {
  it('reads the first page with one list call of `first` messages', () => {
    const step = planPage({ pageToken: null, offset: 0 }, 3);
    expect(step).toEqual({
      kind: 'read',
      position: { pageToken: null, offset: 0 },
      call: { pageToken: null, maxResults: 3 },
    });
    const edges = pageEdges({ pageToken: null, offset: 0 }, 3, { messageCount: 3, nextPageToken: 'p2' });
    expect([edges.from, edges.to]).toEqual([0, 3]);
    // The last edge of a full call points at the next call's start.
    expect(cursorsOf(edges)).toEqual([
      { pageToken: null, offset: 1 },
      { pageToken: null, offset: 2 },
      { pageToken: 'p2', offset: 0 },
    ]);
  });

  it('reads a page at an offset within a call by asking for offset + first and skipping the offset', () => {
    const position = { pageToken: 'p2', offset: 20 };
    expect(planPage(position, 10)).toEqual({
      kind: 'read',
      position,
      call: { pageToken: 'p2', maxResults: 30 },
    });
    const edges = pageEdges(position, 10, { messageCount: 30, nextPageToken: 'p3' });
    expect([edges.from, edges.to]).toEqual([20, 30]);
    expect(edges.cursorAt(0)).toEqual({ pageToken: 'p2', offset: 21 });
    expect(edges.cursorAt(9)).toEqual({ pageToken: 'p3', offset: 0 });
  });

  it('keeps counting from the same page token while the call has more messages than the page', () => {
    const edges = pageEdges({ pageToken: 'p2', offset: 20 }, 10, { messageCount: 30, nextPageToken: null });
    // The call reached the end of the list: no next token to point at, so the offset grows.
    expect(edges.cursorAt(9)).toEqual({ pageToken: 'p2', offset: 30 });
  });

  it(`skips first when offset + first exceeds Gmail's ${GMAIL_MAX_RESULTS} cap`, () => {
    const step = planPage({ pageToken: 'p2', offset: 495 }, 10);
    expect(step).toEqual({ kind: 'skip', call: { pageToken: 'p2', maxResults: 495 } });
    expect(afterSkip('p3', 10)).toEqual({
      kind: 'read',
      position: { pageToken: 'p3', offset: 0 },
      call: { pageToken: 'p3', maxResults: 10 },
    });
  });

  it('reads exactly up to the cap in one call', () => {
    expect(planPage({ pageToken: null, offset: 490 }, 10)).toMatchObject({
      kind: 'read',
      call: { maxResults: GMAIL_MAX_RESULTS },
    });
  });

  it('makes an empty page when the skip call reached the end of the list', () => {
    expect(afterSkip(null, 10)).toBeNull();
    const edges = pageEdges({ pageToken: 'p2', offset: 495 }, 10, { messageCount: 0, nextPageToken: null });
    expect(cursorsOf(edges)).toEqual([]);
  });

  it('makes a short page when the call has fewer messages than asked for', () => {
    const edges = pageEdges({ pageToken: null, offset: 0 }, 10, { messageCount: 4, nextPageToken: null });
    expect([edges.from, edges.to]).toEqual([0, 4]);
    expect(edges.cursorAt(3)).toEqual({ pageToken: null, offset: 4 });
  });

  it('makes an empty page when the offset lies past what the call returned', () => {
    const edges = pageEdges({ pageToken: 'p2', offset: 30 }, 10, { messageCount: 12, nextPageToken: 'p3' });
    expect(edges.to - edges.from).toBe(0);
  });
});
