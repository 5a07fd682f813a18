import type { MessageMetadata } from '../../src/gmail/gmail.client';
import { MetadataCache, metadataFootprint } from '../../src/gmail/metadata-cache';

function message(subject: string, labelIds: string[] = ['INBOX']): MessageMetadata {
  return {
    subject,
    from: 'Ada <ada@example.com>',
    to: 'bob@example.com',
    date: new Date(0),
    snippet: 'Hello there',
    labelIds,
    sizeEstimate: 1000,
  };
}

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('MetadataCache', () => {
  it('serves what it remembered, per user and message', () => {
    const cache = new MetadataCache({ maxBytes: 1_000_000, labelFreshnessMs: 1000, now: () => 0 });
    cache.remember('u1', 'm1', message('one'), '');
    expect(cache.get('u1', 'm1')?.metadata.subject).toBe('one');
    expect(cache.get('u2', 'm1')).toBeUndefined();
    expect(cache.get('u1', 'm2')).toBeUndefined();
  });

  it('drops the least recently used entries once their estimated bytes exceed the budget', () => {
    const entry = metadataFootprint(message('same size'), 'u1\u0000m1');
    const cache = new MetadataCache({ maxBytes: entry * 2, labelFreshnessMs: 1000, now: () => 0 });
    cache.remember('u1', 'm1', message('same size'), '');
    cache.remember('u1', 'm2', message('same size'), '');
    cache.get('u1', 'm1');
    cache.remember('u1', 'm3', message('same size'), '');
    expect(cache.get('u1', 'm1')).toBeDefined();
    expect(cache.get('u1', 'm2')).toBeUndefined();
    expect(cache.get('u1', 'm3')).toBeDefined();
    expect(cache.bytes).toBe(entry * 2);
  });

  it('trusts labelIds only within the freshness window', () => {
    const time = clock(10_000);
    const cache = new MetadataCache({ maxBytes: 1_000_000, labelFreshnessMs: 30_000, now: time.now });
    cache.remember('u1', 'm1', message('one'), '');
    const entry = cache.get('u1', 'm1')!;
    expect(entry.fetchedAt).toBe(10_000);
    time.advance(29_999);
    expect(cache.isFresh(entry)).toBe(true);
    time.advance(1);
    expect(cache.isFresh(entry)).toBe(false);
    // Stale labels do not evict the entry: headers, snippet, date and size never change.
    expect(cache.get('u1', 'm1')?.metadata.subject).toBe('one');
  });

  it('keeps nothing with a budget of 0 MB', () => {
    const cache = new MetadataCache({ maxBytes: 0, labelFreshnessMs: 30_000, now: () => 0 });
    cache.remember('u1', 'm1', message('one'), '');
    expect(cache.get('u1', 'm1')).toBeUndefined();
    expect(cache.bytes).toBe(0);
  });

  it('estimates longer messages as larger, at two bytes a character over a fixed overhead', () => {
    const short = metadataFootprint(message('a'), 'k');
    const long = metadataFootprint(message('a'.repeat(101)), 'k');
    expect(long - short).toBe(200);
    expect(metadataFootprint(message('a', ['INBOX', 'UNREAD']), 'k') - short).toBe(2 * ('UNREAD'.length + 8));
  });
});
