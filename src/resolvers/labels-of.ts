import type { GmailLabel } from '../gmail/mailbox.service';

/**
 * The labels behind these ids, in the order given. An id missing from the label list (created after the list
 * was cached) shows under its id, typed as Gmail types ids: `Label_…` is a user label.
 */
export function labelsNamed(ids: readonly string[], labels: readonly GmailLabel[]): GmailLabel[] {
  const byId = new Map(labels.map((label) => [label.id, label]));
  return ids.map((id) => byId.get(id) ?? { id, name: id, type: id.startsWith('Label_') ? 'USER' : 'SYSTEM' });
}
