import { byteSize, relativeDate, senderParts } from '../../examples/web/src/format';

/** The example client's list formatting: relative dates, compact senders, attachment sizes. */
describe('relativeDate', () => {
  // Local time: the rules are about the reader's day.
  const now = new Date(2026, 10, 21, 15, 4, 5);
  const ago = (ms: number) => new Date(now.getTime() - ms);

  test('says "just now" within the first minute and counts minutes within the hour', () => {
    expect(relativeDate(ago(30_000), now, 'en-US')).toBe('just now');
    expect(relativeDate(ago(5 * 60_000), now, 'en-US')).toBe('5 minutes ago');
    expect(relativeDate(ago(59 * 60_000 + 59_000), now, 'en-US')).toBe('59 minutes ago');
  });

  test('gives the time of day for earlier today, "yesterday" for the day before', () => {
    expect(relativeDate(new Date(2026, 10, 21, 9, 30), now, 'en-US')).toBe('9:30 AM');
    expect(relativeDate(new Date(2026, 10, 20, 23, 59), now, 'en-US')).toBe('yesterday');
  });

  test('gives day and month this year, and the year too before that', () => {
    expect(relativeDate(new Date(2026, 2, 3, 12, 0), now, 'en-US')).toBe('Mar 3');
    expect(relativeDate(new Date(2025, 11, 31, 12, 0), now, 'en-US')).toBe('Dec 31, 2025');
  });

  test('shows a date in the future (a sender with a wrong clock) as a date, not "in 5 minutes"', () => {
    expect(relativeDate(new Date(2026, 10, 21, 15, 30), now, 'en-US')).toBe('3:30 PM');
  });
});

describe('senderParts', () => {
  test('splits a display name from its address, quoted or not', () => {
    expect(senderParts('Ada Lovelace <ada@example.com>')).toEqual({
      name: 'Ada Lovelace',
      address: 'ada@example.com',
    });
    expect(senderParts('"Lovelace, Ada" <ada@example.com>')).toEqual({
      name: 'Lovelace, Ada',
      address: 'ada@example.com',
    });
  });

  test('keeps a bare address, or an address without a name, as the name', () => {
    expect(senderParts('ada@example.com')).toEqual({ name: 'ada@example.com', address: null });
    expect(senderParts('<ada@example.com>')).toEqual({ name: 'ada@example.com', address: null });
  });
});

test('byteSize reads bytes, KB and MB as a person would', () => {
  expect(byteSize(512)).toBe('512 bytes');
  expect(byteSize(6_000)).toBe('5.9 KB');
  expect(byteSize(24_000)).toBe('23 KB');
  expect(byteSize(3 * 1024 * 1024)).toBe('3.0 MB');
});
