import { MingoError } from 'mingo/util';
import type { Doc } from './values';

/** The subset of mongod's error codes this server answers with (names and numbers as in mongod's error_codes.yml). */
export const ErrorCode = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CommandNotSupported: 115,
  InvalidIndexSpecificationOption: 197,
  UnsupportedOpQueryCommand: 352,
  DuplicateKey: 11000,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;

/** An error a command answers with `{ok: 0, errmsg, code, codeName}` instead of crashing the connection. */
export class CommandError extends Error {
  constructor(
    readonly codeName: ErrorCodeName,
    message: string,
    /** Extra reply fields, e.g. `keyPattern`/`keyValue` of a duplicate key. */
    readonly details: Doc = {},
  ) {
    super(message);
    this.name = 'CommandError';
  }

  get code(): number {
    return ErrorCode[this.codeName];
  }

  toReply(): Doc {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.details };
  }

  /** The shape of one entry of a write command's `writeErrors` array. */
  toWriteError(index: number): Doc {
    return { index, code: this.code, errmsg: this.message, ...this.details };
  }
}

/** A unique index (`_id_` included) refused a write. */
export class DuplicateKeyError extends CommandError {
  constructor(ns: string, indexName: string, keyPattern: Doc, keyValue: Doc, formattedKey: string) {
    super(
      'DuplicateKey',
      `E11000 duplicate key error collection: ${ns} index: ${indexName} dup key: ${formattedKey}`,
      {
        keyPattern,
        keyValue,
      },
    );
  }
}

/**
 * Turns anything a handler threw into an error reply. mingo's errors are about the request (an unknown operator, a bad
 * expression), so they become BadValue; anything else is our bug and becomes InternalError.
 */
export function toCommandError(error: unknown): CommandError {
  if (error instanceof CommandError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof MingoError) return new CommandError('BadValue', message);
  return new CommandError('InternalError', message);
}
