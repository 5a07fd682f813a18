import type { CursorRegistry } from '../cursors';
import type { Engine } from '../engine';
import type { Doc } from '../values';
import type { CommandArgs } from './args';

/** What a command handler may use: built per request, the engine and cursors are the server's. */
export interface CommandContext {
  readonly engine: Engine;
  readonly cursors: CursorRegistry;
  /** The database the command runs against (`$db`). */
  readonly db: string;
  readonly connectionId: number;
}

/** Runs one command synchronously and returns its reply; throws CommandError for an `{ok: 0}` answer. */
export type CommandHandler = (args: CommandArgs, context: CommandContext) => Doc;
