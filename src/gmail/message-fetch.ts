// What one request reads of each message, decided once per request from every Message field the operation
// selects (wherever it selects them), so that each message costs one Gmail call whatever mix of fields is asked:
// `format=full` when a body or attachments are selected (that one answer serves the headers too), else
// `format=metadata` with only the headers the selected fields show, else `format=minimal`.

/** The headers Message shows, by field. */
export const HEADER_FIELDS = {
  subject: 'Subject',
  from: 'From',
  to: 'To',
  cc: 'Cc',
  replyTo: 'Reply-To',
} as const;
export type HeaderField = keyof typeof HEADER_FIELDS;
export const ALL_HEADER_FIELDS = Object.keys(HEADER_FIELDS) as HeaderField[];

/** Message fields that need the MIME tree (`format=full`). */
const FULL_FIELDS = new Set(['body', 'attachments']);
/** Message fields derived from labelIds, which change over time (read within the freshness window). */
const LABEL_FIELDS = new Set(['labelIds', 'unread', 'starred', 'labels']);

export interface MessageFetch {
  readonly format: 'full' | 'metadata' | 'minimal';
  /** The header fields to read; with `full`, all of them come with the payload. */
  readonly headers: readonly HeaderField[];
  /** Whether labelIds must be fresh (a cached copy older than the freshness window is re-read). */
  readonly freshLabels: boolean;
}

/** The fetch that serves every one of these Message fields. */
export function messageFetchFor(messageFields: ReadonlySet<string>): MessageFetch {
  const full = [...FULL_FIELDS].some((field) => messageFields.has(field));
  const headers = ALL_HEADER_FIELDS.filter((field) => messageFields.has(field));
  return {
    format: full ? 'full' : headers.length > 0 ? 'metadata' : 'minimal',
    headers: full ? ALL_HEADER_FIELDS : headers,
    freshLabels: [...LABEL_FIELDS].some((field) => messageFields.has(field)),
  };
}
