import { parseGmailQuery, SYSTEM_LABELS } from './gmail-query';
import { USER_LABELS } from './mailbox-content';
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

export interface ThreadPage {
  readonly threads: ReadonlyArray<{
    readonly id: string;
    /** The newest message that matched: its snippet is the thread's in threads.list. */
    readonly head: StoredMessage;
    readonly messages: readonly StoredMessage[];
    readonly historyId: string;
  }>;
  readonly total: number;
  readonly hasMore: boolean;
}

export interface LabelCounts {
  readonly messagesTotal: number;
  readonly messagesUnread: number;
  readonly threadsTotal: number;
  readonly threadsUnread: number;
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
  /** Thread id -> its messages, oldest first; built on first use, dropped when a message is deleted. */
  private threads: Map<string, StoredMessage[]> | undefined;

  /** The mailbox's latest historyId; every change takes the next one. */
  private history: number;

  constructor(owner: MailboxOwner, visibleCount: number, seed: number, options: { specials?: boolean } = {}) {
    this.all = generateMailbox(owner, visibleCount, seed, options);
    this.visible = this.all.filter((m) => !isHidden(m));
    this.byId = new Map(this.all.map((m) => [m.id, m]));
    this.history = this.all.reduce((max, m) => Math.max(max, Number(m.historyId)), 0);
  }

  /** The newest historyId in the mailbox. */
  get historyId(): string {
    return String(this.history);
  }

  /**
   * Adds and removes labels on a message, like users.messages.modify: ids must be known labels (system ids or
   * Label_N); the message takes a new, higher historyId when anything changed. False: no such message.
   */
  modifyLabels(id: string, change: { add?: readonly string[]; remove?: readonly string[] }): boolean {
    const message = this.byId.get(id);
    if (!message) return false;
    for (const label of [...(change.add ?? []), ...(change.remove ?? [])]) {
      if (!isKnownLabel(label)) throw new Error(`unknown label id: ${label}`);
    }
    const removed = new Set(change.remove ?? []);
    const next = message.labelIds.filter((l) => !removed.has(l));
    for (const label of change.add ?? []) if (!next.includes(label) && !removed.has(label)) next.push(label);
    const same = next.length === message.labelIds.length && next.every((l) => message.labelIds.includes(l));
    if (same) return true;
    message.labelIds = next;
    this.history += 1;
    message.historyId = String(this.history);
    this.visible = this.all.filter((m) => !isHidden(m));
    this.searches.clear();
    return true;
  }

  /** Every message of the thread, oldest first (SPAM and TRASH included, like threads.get). */
  thread(threadId: string): readonly StoredMessage[] {
    if (!this.threads) {
      this.threads = new Map();
      // `all` is newest first: walking it backwards fills each thread oldest first.
      for (let i = this.all.length - 1; i >= 0; i--) {
        const m = this.all[i]!;
        const members = this.threads.get(m.threadId) ?? [];
        members.push(m);
        this.threads.set(m.threadId, members);
      }
    }
    return this.threads.get(threadId) ?? [];
  }

  /**
   * threads.list: the threads with a matching message, ordered by their newest match; a page token carries the
   * rank of the last thread's newest match.
   */
  listThreads(filter: MessageFilter, afterRank: number, maxResults: number): ThreadPage {
    const newestMatch = new Map<string, StoredMessage>();
    for (const m of this.search(filter)) if (!newestMatch.has(m.threadId)) newestMatch.set(m.threadId, m);
    const heads = [...newestMatch.values()];
    const start = firstAfter(heads, afterRank);
    const page = heads.slice(start, start + maxResults);
    return {
      threads: page.map((head) => {
        const messages = this.thread(head.threadId);
        return { id: head.threadId, head, messages, historyId: maxHistoryId(messages) };
      }),
      total: heads.length,
      hasMore: start + maxResults < heads.length,
    };
  }

  /** labels.get's counts: every message with the label (SPAM and TRASH included), and their threads. */
  labelCounts(labelId: string): LabelCounts {
    const withLabel = this.all.filter((m) => m.labelIds.includes(labelId));
    const unread = withLabel.filter((m) => m.labelIds.includes('UNREAD'));
    return {
      messagesTotal: withLabel.length,
      messagesUnread: unread.length,
      threadsTotal: new Set(withLabel.map((m) => m.threadId)).size,
      threadsUnread: new Set(unread.map((m) => m.threadId)).size,
    };
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
    this.threads = undefined;
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

export function maxHistoryId(messages: readonly StoredMessage[]): string {
  return String(messages.reduce((max, m) => Math.max(max, Number(m.historyId)), 0));
}

function isKnownLabel(id: string): boolean {
  return SYSTEM_LABELS.has(id) || USER_LABELS.some((label) => label.id === id);
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
