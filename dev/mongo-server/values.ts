import { BSON, Binary, Decimal128, Long, ObjectId, Timestamp } from 'bson';
import { CommandError } from './errors';

/** A BSON document as this server holds it: plain objects whose values are JS primitives, Dates or bson classes. */
export type Doc = Record<string, unknown>;

/**
 * How every BSON payload is read, requests and stored copies alike. Longs stay `Long` so an int64 written by a client
 * comes back as an int64; int32 and double become JS numbers, so mingo can compare them (a number is written back as
 * int32 when it fits, else as double: the int32/double distinction is the one thing that does not round-trip).
 */
export const DESERIALIZE_OPTIONS: BSON.DeserializeOptions = { promoteLongs: false, promoteValues: true };

export function isDoc(value: unknown): value is Doc {
  if (value === null || typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** A deep copy that keeps every BSON type, by the same path the wire takes. */
export function cloneDocument(doc: Doc): Doc {
  return BSON.deserialize(BSON.serialize(doc), DESERIALIZE_OPTIONS);
}

/** True when both documents encode to the same bytes: what mongod means by "not modified". */
export function sameDocument(a: Doc, b: Doc): boolean {
  return Buffer.from(BSON.serialize(a)).equals(BSON.serialize(b));
}

/** An integer argument, sent by drivers as int32, int64 or double. */
export function toInteger(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (value instanceof Long) return value.toNumber();
  return undefined;
}

/**
 * A string that is equal for two values exactly when a unique index would call them equal: numbers of every BSON
 * numeric type compare by value, strings byte-wise, documents field by field in order.
 */
export function canonicalKey(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  switch (typeof value) {
    case 'number':
      return `n:${value === 0 ? 0 : value}`;
    case 'string':
      return `s:${JSON.stringify(value)}`;
    case 'boolean':
      return `b:${value}`;
    case 'bigint':
      return `n:${value}`;
  }
  if (value instanceof Long || value instanceof Decimal128) return `n:${value.toString()}`;
  if (value instanceof ObjectId) return `o:${value.toHexString()}`;
  if (value instanceof Date) return `d:${value.getTime()}`;
  if (value instanceof Binary) return `x:${value.sub_type}:${value.toString('base64')}`;
  if (value instanceof RegExp) return `r:${value.source}/${value.flags}`;
  if (Array.isArray(value)) return `[${value.map(canonicalKey).join(',')}]`;
  if (isDoc(value)) {
    return `{${Object.entries(value)
      .map(([key, inner]) => `${JSON.stringify(key)}:${canonicalKey(inner)}`)
      .join(',')}}`;
  }
  if (value instanceof Timestamp) return `t:${value.toString()}`;
  return `?:${BSON.EJSON.stringify({ value }, { relaxed: false })}`;
}

/** Renders a value the way mongod prints it in an error message, e.g. `ObjectId('65a…')` or `"a@b.c"`. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (value instanceof ObjectId) return `ObjectId('${value.toHexString()}')`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (value instanceof Long) return value.toString();
  if (value instanceof Decimal128) return `NumberDecimal("${value.toString()}")`;
  if (value instanceof Binary) return `BinData(${value.sub_type}, ${value.toString('hex').toUpperCase()})`;
  if (value instanceof RegExp) return String(value);
  if (Array.isArray(value)) return value.length ? `[ ${value.map(formatValue).join(', ')} ]` : '[]';
  if (isDoc(value)) return formatDocument(value);
  return String(value);
}

export function formatDocument(doc: Doc): string {
  const fields = Object.entries(doc).map(([key, value]) => `${key}: ${formatValue(value)}`);
  return fields.length ? `{ ${fields.join(', ')} }` : '{}';
}

/** The value at a dotted path of plain sub-documents (no array traversal), or undefined. */
export function getPath(doc: Doc, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (!isDoc(current)) return undefined;
    current = current[part];
  }
  return current;
}

/**
 * The values at a dotted path as indexes and `distinct` see them: arrays on the way or at the end fan out into their
 * elements; a missing field (or an empty array at the end) yields `undefined`.
 */
export function valuesAtPath(value: unknown, path: string): unknown[] {
  return valuesAt(value, path.split('.'));
}

function valuesAt(value: unknown, parts: readonly string[]): unknown[] {
  if (Array.isArray(value)) {
    if (parts.length === 0) return value.length ? value : [undefined];
    return value.flatMap((element) => valuesAt(element, parts));
  }
  if (parts.length === 0) return [value];
  if (!isDoc(value)) return [undefined];
  return valuesAt(value[parts[0]], parts.slice(1));
}

/** Sets a dotted path, creating sub-documents on the way; refuses to descend into a non-document. */
export function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  if (parts.includes('__proto__')) throw new CommandError('BadValue', `invalid field path '${path}'`);
  const last = parts.pop() as string;
  let current = doc;
  for (const part of parts) {
    const next = current[part];
    if (next === undefined) {
      const created: Doc = {};
      current[part] = created;
      current = created;
    } else if (isDoc(next)) {
      current = next;
    } else {
      throw new CommandError('BadValue', `cannot infer query fields to set, path '${path}' is matched twice`);
    }
  }
  current[last] = value;
}

/** A copy of `doc` with `_id` as its first field, where mongod always stores it. */
export function withIdFirst(doc: Doc): Doc {
  if (Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}
