/** How dates and senders read in lists: short and relative, with the full form one hover away. */

export function longDate(date: Date, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' }).format(date);
}

/**
 * "just now", "5 minutes ago" within the hour, the time of day today, "yesterday", then the day and month this
 * year and the full date before that, as mail clients do. `locale`: the browser's when undefined.
 */
export function relativeDate(date: Date, now: Date = new Date(), locale?: string): string {
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const minutes = Math.floor((now.getTime() - date.getTime()) / 60_000);
  if (minutes >= 0 && minutes < 1) return 'just now';
  if (minutes >= 1 && minutes < 60) return relative.format(-minutes, 'minute');
  if (sameDay(date, now)) return new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(date);
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(date, yesterday)) return relative.format(-1, 'day');
  const sameYear = date.getFullYear() === now.getFullYear();
  return new Intl.DateTimeFormat(
    locale,
    sameYear ? { month: 'short', day: 'numeric' } : { dateStyle: 'medium' },
  ).format(date);
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** `Ada Lovelace <ada@example.com>` -> name `Ada Lovelace`, address `ada@example.com`; a bare address is both. */
export function senderParts(from: string): { readonly name: string; readonly address: string | null } {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from);
  if (match === null) return { name: from.trim(), address: null };
  const name = match[1]?.trim() ?? '';
  const address = match[2]?.trim() ?? '';
  return name === '' ? { name: address, address: null } : { name, address };
}

const sizeUnits = ['bytes', 'KB', 'MB', 'GB'];

export function byteSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < sizeUnits.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${sizeUnits[unit]}`;
}
