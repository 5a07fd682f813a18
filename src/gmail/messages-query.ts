import { BadUserInputError } from '../errors';
import type { CursorScope } from './message-cursor';

// The checks on the arguments of `messages`, and the cursor scope they produce: everything a cursor is bound
// to. Pure: no Gmail call happens before these pass.

export interface MessagesQuery {
  readonly query?: string | null;
  readonly first?: number | null;
  readonly after?: string | null;
  readonly labelIds?: readonly string[] | null;
  readonly includeSpamTrash?: boolean | null;
}

export const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;
const MAX_QUERY_LENGTH = 2048;
const MAX_LABEL_IDS = 20;
const LABEL_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** `first`, checked (BAD_USER_INPUT outside 1..MAX_PAGE_SIZE). */
export function pageSizeOf(query: MessagesQuery): number {
  const first = query.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new BadUserInputError(`first must be an integer from 1 to ${MAX_PAGE_SIZE}`, 'first');
  }
  return first;
}

/** The search the cursors of this query are bound to: trimmed text, label ids de-duplicated and sorted. */
export function cursorScopeOf(
  userId: string,
  query: MessagesQuery,
  collection: CursorScope['collection'] = 'messages',
): CursorScope {
  const text = (query.query ?? '').trim();
  if (text.length > MAX_QUERY_LENGTH) {
    throw new BadUserInputError(`query must be at most ${MAX_QUERY_LENGTH} characters`, 'query');
  }
  const labelIds = query.labelIds ?? [];
  if (labelIds.length > MAX_LABEL_IDS || !labelIds.every((id) => LABEL_ID.test(id))) {
    throw new BadUserInputError(
      `labelIds must be at most ${MAX_LABEL_IDS} Gmail label ids (letters, digits, _ and -)`,
      'labelIds',
    );
  }
  return {
    collection,
    userId,
    query: text,
    labelIds: [...new Set(labelIds)].sort(),
    includeSpamTrash: query.includeSpamTrash ?? false,
  };
}

const GMAIL_ID = /^[A-Za-z0-9_-]{1,256}$/;

/** A Gmail message or thread id as given in an argument (BAD_USER_INPUT unless letters, digits, _ and -). */
export function gmailIdOf(id: string, argument: string): string {
  if (!GMAIL_ID.test(id)) {
    throw new BadUserInputError(`${argument} is not a Gmail id (letters, digits, _ and -)`, argument);
  }
  return id;
}
