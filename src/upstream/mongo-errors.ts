import {
  MongoClientClosedError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';

/**
 * Socket errors the driver sometimes lets through unwrapped when the server goes away mid-write. Google calls
 * never surface these raw (gaxios wraps them), so on a resolver path they come from the MongoDB connection.
 */
const RAW_SOCKET_CODES = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT']);

/** True when an error means "MongoDB cannot be reached right now", as opposed to a bug or a bad query. */
export function isMongoUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (typeof code === 'string' && RAW_SOCKET_CODES.has(code) && !('response' in (error as object))) ||
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoServerClosedError ||
    error instanceof MongoClientClosedError ||
    error instanceof MongoOperationTimeoutError
  );
}
