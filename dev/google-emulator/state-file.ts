import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../atomic-file';
import type { OAuthStore, OAuthStoreState } from './oauth-store';
import type { UserDirectory } from './users';

/**
 * The emulator's state that outlives a restart (option `stateFile`): the accounts and what each granted, so a
 * refresh token the gateway stored keeps working. Mailboxes are not saved: they are generated again from the
 * address and the seed (a deleteMessage() is forgotten). The file holds live emulator tokens in plain text, with
 * mode 0600; they open nothing but this emulator's fake mailboxes.
 */
interface EmulatorState extends OAuthStoreState {
  readonly format: typeof FORMAT;
  readonly version: typeof VERSION;
  readonly users: ReadonlyArray<{
    readonly id: string;
    readonly email: string;
    readonly name: string;
    readonly messages: number;
    readonly gmailEnabled: boolean;
  }>;
}

const FORMAT = 'google-emulator-state';
const VERSION = 1;

/** One per emulator with a `stateFile`: loads it once, then writes it whenever the state changed. */
export class StateFile {
  private written = '';

  constructor(
    private readonly file: string,
    private readonly users: UserDirectory,
    private readonly store: OAuthStore,
  ) {}

  /** Loads the file into the (fresh) directory and store; nothing to do on a first start. */
  load(): void {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const state = JSON.parse(text) as Partial<EmulatorState>;
    if (
      state.format !== FORMAT ||
      state.version !== VERSION ||
      !state.users ||
      !state.grants ||
      !state.codes
    ) {
      throw new Error(`google emulator: ${this.file} is not a ${FORMAT} version ${VERSION}`);
    }
    for (const user of state.users) {
      this.users.add({ email: user.email, name: user.name, messages: user.messages }, user.id).gmailEnabled =
        user.gmailEnabled;
    }
    this.store.restore(state as EmulatorState);
    this.written = text;
  }

  /**
   * Writes the state if it differs from what the file holds. Synchronous and called before the answer that
   * reports the change leaves, so a token a client was given is on disk by the time it has it.
   */
  save(): void {
    const state: EmulatorState = {
      format: FORMAT,
      version: VERSION,
      users: this.users.records().map(({ user, messages, gmailEnabled }) => ({
        id: user.id,
        email: user.email,
        name: user.name,
        messages,
        gmailEnabled,
      })),
      ...this.store.snapshot(),
    };
    const text = JSON.stringify(state);
    if (text === this.written) return;
    writeFileAtomic(this.file, text);
    this.written = text;
  }
}
