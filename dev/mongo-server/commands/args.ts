import { Long } from 'bson';
import { CommandError } from '../errors';
import { isDoc, toInteger, type Doc } from '../values';

/** Fields every command may carry (sessions, concerns, API version) that mean nothing to a standalone in memory. */
export const GENERIC_FIELDS = new Set([
  '$db',
  'lsid',
  '$clusterTime',
  '$readPreference',
  'writeConcern',
  'readConcern',
  'maxTimeMS',
  'comment',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
]);

/** Reads typed command fields, refusing a wrong type with mongod's TypeMismatch wording. */
export class CommandArgs {
  constructor(
    readonly command: Doc,
    readonly name: string,
  ) {}

  /** The collection named by the command's first field, e.g. `{find: "users"}`. */
  collectionName(): string {
    return this.string(this.name);
  }

  string(field: string): string {
    const value = this.command[field];
    if (typeof value !== 'string') throw this.wrongType(field, 'string');
    return value;
  }

  optionalDoc(field: string): Doc | undefined {
    const value = this.command[field];
    if (value === undefined || value === null) return undefined;
    if (!isDoc(value)) throw this.wrongType(field, 'object');
    return value;
  }

  optionalInteger(field: string): number | undefined {
    const value = this.command[field];
    if (value === undefined || value === null) return undefined;
    const integer = toInteger(value);
    if (integer === undefined) throw this.wrongType(field, 'long, int, decimal, double');
    if (integer < 0) {
      throw new CommandError(
        'BadValue',
        `BSON field '${field}' value must be >= 0, actual value '${integer}'`,
      );
    }
    return integer;
  }

  optionalBoolean(field: string): boolean | undefined {
    const value = this.command[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number') return value !== 0;
    throw this.wrongType(field, 'bool');
  }

  docArray(field: string): Doc[] {
    const value = this.command[field];
    if (!Array.isArray(value) || !value.every(isDoc)) throw this.wrongType(field, 'array of objects');
    return value;
  }

  optionalDocArray(field: string): Doc[] | undefined {
    return this.command[field] === undefined ? undefined : this.docArray(field);
  }

  long(field: string): Long {
    const value = this.command[field];
    if (value instanceof Long) return value;
    if (typeof value === 'number' && Number.isInteger(value)) return Long.fromNumber(value);
    throw this.wrongType(field, 'long');
  }

  private wrongType(field: string, expected: string): CommandError {
    const value = this.command[field];
    const actual = value === undefined ? 'missing' : Array.isArray(value) ? 'array' : typeof value;
    return new CommandError(
      'TypeMismatch',
      `BSON field '${this.name}.${field}' is the wrong type '${actual}', expected types '[${expected}]'`,
    );
  }
}

/** Collation changes how strings compare everywhere; ignoring it would give wrong answers, so it is refused. */
export function rejectCollation(fields: Doc): void {
  const collation = fields.collation;
  if (collation === undefined || collation === null) return;
  if (isDoc(collation) && collation.locale === 'simple') return;
  throw new CommandError('BadValue', 'collation is not supported by the in-memory server');
}
