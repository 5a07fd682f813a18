// What each Gmail method costs in quota units. The one table: the budget charges from it, the operation plan
// prices from it, GMAIL_QUOTA_COSTS overrides it.

/** Gmail methods by the names Google's quota table uses. */
export const GMAIL_QUOTA_METHODS = [
  'messages.list',
  'messages.get',
  'messages.attachments.get',
  'threads.list',
  'threads.get',
  'labels.list',
  'labels.get',
] as const;
export type GmailQuotaMethod = (typeof GMAIL_QUOTA_METHODS)[number];

export type GmailQuotaCosts = Readonly<Record<GmailQuotaMethod, number>>;

/**
 * Google's published per-method costs, read November 2026 (the table from before May 2026). Third-party readings
 * of the May 2026 table give messages.get 20 and threads.get 40: set GMAIL_QUOTA_COSTS when Google confirms them.
 */
export const DEFAULT_GMAIL_QUOTA_COSTS: GmailQuotaCosts = Object.freeze({
  'messages.list': 5,
  'messages.get': 5,
  'messages.attachments.get': 5,
  'threads.list': 10,
  'threads.get': 10,
  'labels.list': 1,
  'labels.get': 1,
});

export function isGmailQuotaMethod(name: string): name is GmailQuotaMethod {
  return (GMAIL_QUOTA_METHODS as readonly string[]).includes(name);
}
