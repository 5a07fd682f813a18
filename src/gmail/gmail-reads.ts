import type { gmail_v1 } from 'googleapis/build/src/apis/gmail';
import { decodedHeader } from '../mail/headers';
import { ALL_HEADER_FIELDS, HEADER_FIELDS, type HeaderField, type MessageFetch } from './message-fetch';

// The shapes the gateway reads from Gmail's answers, and the conversions from googleapis' types. Pure.

/** What `messages.list` gives: enough for `id` and `threadId`. */
export interface MessageRef {
  readonly id: string;
  readonly threadId: string;
}

/**
 * What `messages.get` gives without the body. A header field is undefined when it was not read (the request
 * asked Gmail only for the headers its selection shows), null when the message has no such header.
 */
export interface MessageMetadata {
  readonly subject?: string | null;
  readonly from?: string | null;
  readonly to?: string | null;
  readonly cc?: string | null;
  readonly replyTo?: string | null;
  readonly date: Date | null;
  readonly snippet: string | null;
  readonly labelIds: readonly string[];
  readonly sizeEstimate: number | null;
}

/** One message as this request read it: the MIME tree only when the fetch was `full`. */
export interface LoadedMessage {
  readonly ref: MessageRef;
  readonly metadata: MessageMetadata;
  readonly payload: gmail_v1.Schema$MessagePart | null;
}

/** What `threads.list` gives. */
export interface ThreadRef {
  readonly id: string;
  readonly snippet: string | null;
}

/** What `threads.get` gives: the thread's messages, oldest first, each read as the request's fetch says. */
export interface LoadedThread {
  readonly id: string;
  readonly snippet: string | null;
  readonly messages: readonly LoadedMessage[];
}

export interface GmailLabel {
  readonly id: string;
  readonly name: string;
  readonly type: 'SYSTEM' | 'USER';
}

export interface LabelCounts {
  readonly messagesTotal: number | null;
  readonly messagesUnread: number | null;
  readonly threadsUnread: number | null;
}

export interface ListedPage<T> {
  readonly items: readonly T[];
  readonly nextPageToken: string | null;
  readonly resultSizeEstimate: number;
}

/** The googleapis parameters of a get (messages.get or threads.get) for `fetch`. */
export function formatParams(fetch: MessageFetch): { format: string; metadataHeaders?: string[] } {
  if (fetch.format !== 'metadata') return { format: fetch.format };
  return { format: 'metadata', metadataHeaders: fetch.headers.map((field) => HEADER_FIELDS[field]) };
}

export function toLoadedMessage(message: gmail_v1.Schema$Message, fetch: MessageFetch): LoadedMessage | null {
  if (!message.id) return null;
  const headers = message.payload?.headers ?? [];
  const read: Partial<Record<HeaderField, string | null>> = {};
  const fields = fetch.format === 'full' ? ALL_HEADER_FIELDS : fetch.headers;
  // RFC 2047 encoded words are decoded (Gmail usually has already; decoding twice is harmless).
  for (const field of fields) read[field] = decodedHeader(headers, HEADER_FIELDS[field]);
  const internalDate = Number(message.internalDate);
  return {
    ref: { id: message.id, threadId: message.threadId ?? message.id },
    metadata: {
      ...read,
      date: message.internalDate && Number.isFinite(internalDate) ? new Date(internalDate) : null,
      snippet: message.snippet ?? null,
      labelIds: message.labelIds ?? [],
      sizeEstimate: message.sizeEstimate ?? null,
    },
    payload: fetch.format === 'full' ? (message.payload ?? null) : null,
  };
}

export function toLabel(label: gmail_v1.Schema$Label): GmailLabel | null {
  if (!label.id) return null;
  return {
    id: label.id,
    name: label.name ?? label.id,
    type: label.type === 'user' ? 'USER' : 'SYSTEM',
  };
}

export function toLabelCounts(label: gmail_v1.Schema$Label): LabelCounts {
  return {
    messagesTotal: label.messagesTotal ?? null,
    messagesUnread: label.messagesUnread ?? null,
    threadsUnread: label.threadsUnread ?? null,
  };
}
