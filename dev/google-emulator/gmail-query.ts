import { USER_LABELS } from './mailbox-content';
import type { StoredMessage } from './message';
import { hasAttachment } from './mime';

/**
 * A parsed Gmail search (`q`). Supported: free words and "quoted phrases" (case-insensitive substrings of
 * subject, from, to and body; all must match), `from:` `to:` `subject:`, `is:unread|read|starred|important`,
 * `label:NAME` (user label name or system label id), `in:inbox|sent|spam|trash|starred|important|anywhere`,
 * `category:primary|social|promotions|updates|forums`, `after:`/`before:` (YYYY/MM/DD or epoch seconds),
 * `has:attachment` (a part with a filename that is not an inline image), `-term` negation and `a OR b`.
 */
export interface GmailQuery {
  matches(message: StoredMessage): boolean;
  /** True when the query asks for SPAM or TRASH itself, which lifts Gmail's default exclusion. */
  readonly namesSpamOrTrash: boolean;
}

type Predicate = (message: StoredMessage) => boolean;

interface Term {
  readonly predicate: Predicate;
  readonly namesSpamOrTrash: boolean;
}

/** -? (operator:)? ("phrase" | word) */
const TOKEN = /(-?)(?:([a-z_]+):)?(?:"([^"]*)"?|(\S+))/giy;

export const SYSTEM_LABELS: ReadonlySet<string> = new Set([
  'INBOX',
  'SENT',
  'SPAM',
  'TRASH',
  'UNREAD',
  'STARRED',
  'IMPORTANT',
  'DRAFT',
  'CHAT',
  'CATEGORY_PERSONAL',
  'CATEGORY_SOCIAL',
  'CATEGORY_PROMOTIONS',
  'CATEGORY_UPDATES',
  'CATEGORY_FORUMS',
]);
const CATEGORIES: Record<string, string> = {
  primary: 'CATEGORY_PERSONAL',
  personal: 'CATEGORY_PERSONAL',
  social: 'CATEGORY_SOCIAL',
  promotions: 'CATEGORY_PROMOTIONS',
  updates: 'CATEGORY_UPDATES',
  forums: 'CATEGORY_FORUMS',
};

export function parseGmailQuery(q: string): GmailQuery {
  const clauses: Term[] = [];
  let pendingOr = false;
  TOKEN.lastIndex = 0;
  for (let rest = q.trim(); rest.length > 0; rest = rest.slice(TOKEN.lastIndex).trimStart()) {
    TOKEN.lastIndex = 0;
    const match = TOKEN.exec(rest);
    if (!match) break;
    const [, negation, operator, phrase, word] = match;
    if (!operator && phrase === undefined && word === 'OR') {
      pendingOr = clauses.length > 0;
      continue;
    }
    const positive = termFor(operator?.toLowerCase(), phrase ?? word ?? '');
    const term = negation
      ? { predicate: (m: StoredMessage) => !positive.predicate(m), namesSpamOrTrash: false }
      : positive;
    const previous = clauses[clauses.length - 1];
    if (pendingOr && previous) {
      clauses[clauses.length - 1] = {
        predicate: (m) => previous.predicate(m) || term.predicate(m),
        namesSpamOrTrash: previous.namesSpamOrTrash || term.namesSpamOrTrash,
      };
    } else {
      clauses.push(term);
    }
    pendingOr = false;
  }
  return {
    matches: (message) => clauses.every((clause) => clause.predicate(message)),
    namesSpamOrTrash: clauses.some((clause) => clause.namesSpamOrTrash),
  };
}

function termFor(operator: string | undefined, rawValue: string): Term {
  const value = rawValue.toLowerCase().replace(/\s+/g, ' ');
  const plain = (predicate: Predicate): Term => ({ predicate, namesSpamOrTrash: false });
  const hasLabel = (labelId: string | undefined): Term => ({
    predicate: labelId === undefined ? () => false : (m) => m.labelIds.includes(labelId),
    namesSpamOrTrash: labelId === 'SPAM' || labelId === 'TRASH',
  });
  switch (operator) {
    case undefined:
      return plain((m) => m.searchText.includes(value));
    case 'from':
      return plain((m) => m.from.toLowerCase().includes(value));
    case 'to':
      return plain((m) => m.to.toLowerCase().includes(value));
    case 'subject':
      return plain((m) => m.subject.toLowerCase().includes(value));
    case 'is':
      if (value === 'read') return plain((m) => !m.labelIds.includes('UNREAD'));
      return hasLabel({ unread: 'UNREAD', starred: 'STARRED', important: 'IMPORTANT' }[value]);
    case 'label':
      return hasLabel(labelIdForName(value));
    case 'in':
      if (value === 'anywhere') return { predicate: () => true, namesSpamOrTrash: true };
      return hasLabel(
        {
          inbox: 'INBOX',
          sent: 'SENT',
          spam: 'SPAM',
          trash: 'TRASH',
          starred: 'STARRED',
          important: 'IMPORTANT',
        }[value],
      );
    case 'category':
      return hasLabel(CATEGORIES[value]);
    case 'after':
    case 'before': {
      const bound = parseDate(value);
      if (bound === undefined) return plain(() => false);
      return plain(operator === 'after' ? (m) => m.internalDate >= bound : (m) => m.internalDate < bound);
    }
    case 'has':
      if (value === 'attachment') return plain((m) => hasAttachment(m.mime));
      return plain(() => false);
    default:
      // Gmail searches an unknown operator as text.
      return plain((m) => m.searchText.includes(`${operator}:${value}`));
  }
}

/** A user label by name (case-insensitive; Gmail lets `-` stand for a space) or a system label id. */
export function labelIdForName(name: string): string | undefined {
  const wanted = name.toLowerCase().replace(/-/g, ' ');
  const userLabel = USER_LABELS.find((label) => label.name.toLowerCase().replace(/-/g, ' ') === wanted);
  if (userLabel) return userLabel.id;
  const upper = name.toUpperCase();
  return SYSTEM_LABELS.has(upper) ? upper : undefined;
}

/** `2026/10/01`, `2026-10-01` (midnight UTC; Gmail uses the account's time zone) or epoch seconds. */
function parseDate(value: string): number | undefined {
  if (/^\d{9,11}$/.test(value)) return Number(value) * 1000;
  const match = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(value);
  return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : undefined;
}
