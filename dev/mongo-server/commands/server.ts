import { CommandError } from '../errors';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE_BYTES } from '../wire';
import type { CommandHandler } from './context';

/** The server poses as a MongoDB 7.0 standalone: wire version 21 satisfies driver 6.x and 7.x. */
const SERVER_VERSION = '7.0.0';
const MAX_WIRE_VERSION = 21;

/**
 * A standalone mongod answers IllegalOperation (20) "Transaction numbers are only allowed on a replica set member or
 * mongos", but the driver replaces the message of any code-20 write error with advice about retryable writes. A
 * different code keeps this message in front of the user.
 */
export const TRANSACTIONS_UNSUPPORTED =
  'Transactions are not supported by dev/mongo-server, an in-memory standalone; test them against a replica set';

/**
 * The handshake and heartbeat reply. No `setName` keeps the driver in standalone mode (no transactions, no retryable
 * writes); no `topologyVersion` keeps its monitor on plain polling instead of streaming hellos; no `compression`
 * means every message arrives uncompressed. `logicalSessionTimeoutMinutes` enables sessions.
 */
function hello(primaryField: 'isWritablePrimary' | 'ismaster'): CommandHandler {
  return (_args, context) => ({
    helloOk: true,
    [primaryField]: true,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: context.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  });
}

const PARAMETERS: Record<string, unknown> = {
  featureCompatibilityVersion: { version: '7.0' },
  authenticationMechanisms: [],
};

const ok: CommandHandler = () => ({ ok: 1 });

const transactionsUnsupported: CommandHandler = () => {
  throw new CommandError('CommandNotSupported', TRANSACTIONS_UNSUPPORTED);
};

export const serverCommands: Record<string, CommandHandler> = {
  hello: hello('isWritablePrimary'),
  isMaster: hello('ismaster'),
  ismaster: hello('ismaster'),
  ping: ok,
  buildInfo: () => ({
    version: SERVER_VERSION,
    gitVersion: 'dev/mongo-server',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['inMemory'],
    javascriptEngine: 'none',
    ok: 1,
  }),
  getParameter: (args) => {
    const all = args.command.getParameter === '*';
    const reply: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(PARAMETERS)) {
      if (all || name in args.command) reply[name] = value;
    }
    if (Object.keys(reply).length === 0) throw new CommandError('InvalidOptions', 'no option found to get');
    return { ...reply, ok: 1 };
  },
  getLog: (args) => {
    const name = args.command.getLog;
    if (name === '*') return { names: ['global', 'startupWarnings'], ok: 1 };
    if (name === 'global' || name === 'startupWarnings') return { totalLinesWritten: 0, log: [], ok: 1 };
    throw new CommandError('BadValue', `No log named '${String(name)}'`);
  },
  // Cursors are not tied to sessions here, so ending or killing a session has nothing to clean up.
  endSessions: ok,
  killSessions: ok,
  killAllSessions: ok,
  refreshSessions: ok,
  abortTransaction: transactionsUnsupported,
  commitTransaction: transactionsUnsupported,
};
