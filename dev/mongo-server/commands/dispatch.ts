import { CommandError, toCommandError } from '../errors';
import type { Doc } from '../values';
import { OpCode, type CommandRequest } from '../wire';
import { CommandArgs, rejectCollation } from './args';
import { catalogCommands } from './catalog';
import type { CommandContext, CommandHandler } from './context';
import { readCommands } from './read';
import { serverCommands, TRANSACTIONS_UNSUPPORTED } from './server';
import { writeCommands } from './write';

/** A Map, not an object: a command named "constructor" must not find Object.prototype's. */
const COMMANDS = new Map<string, CommandHandler>(
  Object.entries({ ...serverCommands, ...readCommands, ...writeCommands, ...catalogCommands }),
);

/** The only commands a modern mongod still accepts over legacy OP_QUERY: the handshake. */
const OP_QUERY_COMMANDS = new Set(['hello', 'isMaster', 'ismaster']);

/** The command name is the first field of the command document. */
export function commandName(command: Doc): string {
  return Object.keys(command)[0] ?? '';
}

/** Runs one request and always returns a reply document: every failure becomes `{ok: 0, errmsg, code, codeName}`. */
export function runCommand(request: CommandRequest, context: CommandContext): Doc {
  const name = commandName(request.command);
  try {
    if (request.opCode === OpCode.QUERY && !OP_QUERY_COMMANDS.has(name)) {
      throw new CommandError(
        'UnsupportedOpQueryCommand',
        `Unsupported OP_QUERY command: ${name}. The client driver may require an upgrade. ` +
          'For more details see https://dochub.mongodb.org/core/legacy-opcode-removal',
      );
    }
    const handler = COMMANDS.get(name);
    if (!handler) throw new CommandError('CommandNotFound', `no such command: '${name}'`);
    // Never sent while hello has no setName, except inside a transaction the client insists on.
    if ('txnNumber' in request.command || 'startTransaction' in request.command) {
      throw new CommandError('CommandNotSupported', TRANSACTIONS_UNSUPPORTED);
    }
    rejectCollation(request.command);
    return handler(new CommandArgs(request.command, name), context);
  } catch (error) {
    return toCommandError(error).toReply();
  }
}
