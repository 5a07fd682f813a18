import { createHash } from 'node:crypto';
import { Mailbox } from './mailbox';
import type { EmulatorUser, NewUser } from './types';

/** Always present, with exactly 300 messages in the default view (and 20 in SPAM/TRASH): other code counts on it. */
export const DEMO_USER: Readonly<EmulatorUser> = Object.freeze({
  id: '108234567890123456789',
  email: 'demo@example.com',
  name: 'Demo User',
});
export const DEMO_MESSAGES = 300;
const DEFAULT_MESSAGES = 40;

export interface UserRecord {
  readonly user: EmulatorUser;
  readonly mailbox: Mailbox;
  /** How many messages the mailbox was generated with (the default view), enough to generate it again. */
  readonly messages: number;
  /** False: an account without Gmail (every Gmail call answers "Mail service not enabled"). */
  gmailEnabled: boolean;
}

/** The emulator's Google accounts and their mailboxes. One per emulator. */
export class UserDirectory {
  private readonly byEmail = new Map<string, UserRecord>();
  private readonly byId = new Map<string, UserRecord>();

  constructor(private readonly seed: number) {
    this.add({ email: DEMO_USER.email, name: DEMO_USER.name, messages: DEMO_MESSAGES }, DEMO_USER.id);
  }

  /** Idempotent by address (case-insensitive): a known address returns the existing record unchanged. */
  add(spec: NewUser, id = userIdFor(spec.email)): UserRecord {
    const key = spec.email.trim().toLowerCase();
    const known = this.byEmail.get(key);
    if (known) return known;
    if (!/^[^\s@]+@[^\s@]+$/.test(key)) {
      throw new Error(`not an e-mail address: ${JSON.stringify(spec.email)}`);
    }
    const messages = spec.messages ?? DEFAULT_MESSAGES;
    if (!Number.isInteger(messages) || messages < 0) throw new Error(`messages must be an integer >= 0`);
    const user: EmulatorUser = { id, email: spec.email.trim(), name: spec.name ?? nameFromEmail(key) };
    const record = {
      user,
      mailbox: new Mailbox(user, messages, this.seed, { specials: id === DEMO_USER.id }),
      messages,
      gmailEnabled: spec.gmailEnabled ?? true,
    };
    this.byEmail.set(key, record);
    this.byId.set(id, record);
    return record;
  }

  /** By e-mail address (case-insensitive) or Google user id; null when unknown. */
  find(emailOrId: string): UserRecord | null {
    return this.byId.get(emailOrId) ?? this.byEmail.get(emailOrId.trim().toLowerCase()) ?? null;
  }

  /** Like find(), for control calls where an unknown user is the caller's mistake. */
  require(emailOrId: string): UserRecord {
    const record = this.find(emailOrId);
    if (!record) throw new Error(`unknown emulator user: ${emailOrId}`);
    return record;
  }

  demo(): UserRecord {
    return this.require(DEMO_USER.id);
  }

  records(): UserRecord[] {
    return [...this.byId.values()];
  }

  all(): EmulatorUser[] {
    return this.records().map((record) => ({ ...record.user }));
  }
}

/** A stable 21-digit id like Google's `sub`, derived from the address only. */
function userIdFor(email: string): string {
  const digest = BigInt(
    `0x${createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 24)}`,
  );
  return `1${(digest % 10n ** 20n).toString().padStart(20, '0')}`;
}

/** `ada.lovelace@example.com` -> `Ada Lovelace`. */
function nameFromEmail(email: string): string {
  const local = email.split('@')[0] ?? email;
  return local
    .split(/[._+-]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join(' ');
}
