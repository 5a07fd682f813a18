import { parseGmailQuery } from './gmail-query';
import { generateMailbox, type MailboxOwner } from './mailbox-generator';
import type { StoredMessage } from './message';

export interface MessageFilter {
  /** Gmail search, see gmail-query.ts; empty means none. */
  readonly q: string;
  /** Every one must be on the message. */
  readonly labelIds: readonly string[];
  readonly includeSpamTrash: boolean;
}

export interface ListPage {
  readonly messages: readonly StoredMessage[];
  /** Every match, not only this page's. */
  readonly total: number;
  readonly hasMore: boolean;
}

/** How many distinct searches a mailbox remembers (results are dropped when the mailbox changes). */
const SEARCH_CACHE_SIZE = 64;

const isHidden = (m: StoredMessage): boolean => m.labelIds.includes('SPAM') || m.labelIds.includes('TRASH');

/**
 * One user's messages: generated and sorted once, then only ever shrunk by deletions. Lists are O(log n + page)
 * for the default views and for repeated searches (each distinct search is run once and cached until the
 * mailbox changes), so paging is cheap.
 */
export class Mailbox {
  /** Gmail order, newest first. */
  private all: StoredMessage[];
  /** The default view: no SPAM or TRASH. */
  private visible: StoredMessage[];
  private readonly byId: Map<string, StoredMessage>;
  private readonly searches = new Map<string, readonly StoredMessage[]>();

  constructor(owner: MailboxOwner, visibleCount: number, seed: number) {
    this.all = generateMailbox(owner, visibleCount, seed);
    this.visible = this.all.filter((m) => !isHidden(m));
    this.byId = new Map(this.all.map((m) => [m.id, m]));
  }

  /** How many messages the default view holds. */
  get size(): number {
    return this.visible.length;
  }

  get(id: string): StoredMessage | undefined {
    return this.byId.get(id);
  }

  messages(options: { includeSpamTrash: boolean }): readonly StoredMessage[] {
    return options.includeSpamTrash ? this.all : this.visible;
  }

  delete(id: string): boolean {
    if (!this.byId.delete(id)) return false;
    this.all = this.all.filter((m) => m.id !== id);
    this.visible = this.visible.filter((m) => m.id !== id);
    this.searches.clear();
    return true;
  }

  /** The page of matches that come after the message of rank `afterRank` (-1: from the start). */
  list(filter: MessageFilter, afterRank: number, maxResults: number): ListPage {
    const matches = this.search(filter);
    const start = firstAfter(matches, afterRank);
    const messages = matches.slice(start, start + maxResults);
    return { messages, total: matches.length, hasMore: start + maxResults < matches.length };
  }

  private search(filter: MessageFilter): readonly StoredMessage[] {
    if (filter.q === '' && filter.labelIds.length === 0) return this.messages(filter);
    const key = JSON.stringify([filter.q, [...filter.labelIds].sort(), filter.includeSpamTrash]);
    const cached = this.searches.get(key);
    if (cached) {
      // Re-insert: the Map's order is the eviction order (least recently used first).
      this.searches.delete(key);
      this.searches.set(key, cached);
      return cached;
    }
    const query = parseGmailQuery(filter.q);
    const namesHidden = query.namesSpamOrTrash || filter.labelIds.some((l) => l === 'SPAM' || l === 'TRASH');
    const matches = this.messages({ includeSpamTrash: filter.includeSpamTrash || namesHidden }).filter(
      (m) => filter.labelIds.every((label) => m.labelIds.includes(label)) && query.matches(m),
    );
    this.searches.set(key, matches);
    if (this.searches.size > SEARCH_CACHE_SIZE) this.searches.delete(this.searches.keys().next().value!);
    return matches;
  }
}

/** Index of the first message whose rank is greater than `rank` (binary search: ranks ascend). */
function firstAfter(messages: readonly StoredMessage[], rank: number): number {
  let low = 0;
  let high = messages.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (messages[mid]!.rank <= rank) low = mid + 1;
    else high = mid;
  }
  return low;
}
