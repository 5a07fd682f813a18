// GMAIL_QUOTA_COSTS's format, parsed from a string over the built-in cost table (src/quota/gmail-costs.ts).

import {
  DEFAULT_GMAIL_QUOTA_COSTS,
  GMAIL_QUOTA_METHODS,
  isGmailQuotaMethod,
  type GmailQuotaCosts,
  type GmailQuotaMethod,
} from '../quota/gmail-costs';

/**
 * Parses `method=units[,…]` over the built-in table, e.g. `messages.get=20,threads.get=40`; unlisted methods keep
 * their built-in cost.
 */
export function parseQuotaCosts(raw: string | undefined, problems: string[]): GmailQuotaCosts {
  const costs: Record<GmailQuotaMethod, number> = { ...DEFAULT_GMAIL_QUOTA_COSTS };
  if (raw === undefined) return Object.freeze(costs);
  for (const entry of raw.split(',')) {
    const [name = '', units = '', ...rest] = entry.split('=').map((part) => part.trim());
    const parsed = Number(units);
    if (!isGmailQuotaMethod(name)) {
      problems.push(
        `GMAIL_QUOTA_COSTS names an unknown method "${name}"; known: ${GMAIL_QUOTA_METHODS.join(', ')}`,
      );
    } else if (rest.length > 0 || units === '' || !Number.isInteger(parsed) || parsed < 0 || parsed > 1000) {
      problems.push(
        `GMAIL_QUOTA_COSTS entry "${entry.trim()}" must look like method=units (units 0 to 1000)`,
      );
    } else {
      costs[name] = parsed;
    }
  }
  return Object.freeze(costs);
}
