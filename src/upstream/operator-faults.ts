import type { Logger } from '../logger';
import type { OperatorFault } from './google-errors';

// The error log of the operator's faults. A wrong client secret fails every user's refresh at once: one line
// per fault a minute, counting the calls it failed, tells the operator what to fix without burying the log
// under a line per user. Nothing here reads or logs a credential: only the fault and the fix.

/** What a GoogleCall needs: report a fault Google blamed on the operator (see upstreamError). */
export interface OperatorFaultReporter {
  report(fault: OperatorFault, service?: string): void;
}

/** The one line naming the fault and what the operator must change. */
export function operatorFaultMessage(fault: OperatorFault, service?: string): string {
  switch (fault) {
    case 'invalid_client':
      return 'the token endpoint rejected the OAuth client (invalid_client): check GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET';
    case 'unauthorized_client':
      return 'the token endpoint refused the OAuth client for these grants (unauthorized_client): GOOGLE_CLIENT_ID must be the client the users consented to';
    case 'deleted_client':
      return 'the OAuth client was deleted (deleted_client): restore it in the Google Cloud console, or configure another GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET';
    case 'accessNotConfigured': {
      const api = service ?? 'gmail.googleapis.com';
      return `${api === 'gmail.googleapis.com' ? 'Gmail API' : api} is not enabled in the Cloud project (accessNotConfigured): enable ${api}`;
    }
    default: {
      const unknown: never = fault;
      return `the OAuth client or Cloud project is misconfigured (${String(unknown)})`;
    }
  }
}

/** One per process: repeats of a fault within `intervalMs` are counted into the next line, not logged. */
export class OperatorFaultLog implements OperatorFaultReporter {
  private readonly lastLogged = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly deps: {
      readonly logger: Logger;
      /** Milliseconds since the epoch, e.g. the gateway clock's. */
      readonly now: () => number;
      /** How long repeats of one fault stay quiet, e.g. 60_000. */
      readonly intervalMs?: number;
    },
  ) {}

  report(fault: OperatorFault, service?: string): void {
    const key = `${fault} ${service ?? ''}`;
    const now = this.deps.now();
    const last = this.lastLogged.get(key);
    if (last !== undefined && now - last.at < (this.deps.intervalMs ?? 60_000)) {
      last.suppressed += 1;
      return;
    }
    this.lastLogged.set(key, { at: now, suppressed: 0 });
    this.deps.logger.error(
      {
        operatorFault: fault,
        ...(service === undefined ? {} : { service }),
        ...(last === undefined ? {} : { repeatsSinceLastLine: last.suppressed }),
      },
      operatorFaultMessage(fault, service),
    );
  }
}
