import { CommandError, DuplicateKeyError } from './errors';
import { compileFilter } from './query';
import {
  canonicalKey,
  formatDocument,
  isDoc,
  sameDocument,
  toInteger,
  valuesAtPath,
  type Doc,
} from './values';

/** An index as listIndexes shows it. Only ascending/descending keys: text, 2d, 2dsphere and hashed are refused. */
export interface IndexSpec {
  readonly v: 2;
  readonly key: Doc;
  readonly name: string;
  readonly unique?: true;
  readonly sparse?: true;
  readonly expireAfterSeconds?: number;
  readonly partialFilterExpression?: Doc;
  readonly hidden?: boolean;
}

export const ID_INDEX_SPEC: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

/** Options that drivers send but that change nothing in memory: accepted and dropped, as mongod drops them. */
const IGNORED_OPTIONS = new Set(['v', 'background', 'ns']);

/** Validates a createIndexes entry the way mongod does, down to its error codes. */
export function parseIndexSpec(raw: unknown): IndexSpec {
  if (!isDoc(raw)) {
    throw new CommandError('TypeMismatch', "BSON field 'createIndexes.indexes' must hold documents");
  }
  const { key, name, unique, sparse, expireAfterSeconds, partialFilterExpression, hidden, ...rest } = raw;
  if (!isDoc(key) || Object.keys(key).length === 0) {
    throw new CommandError(
      'CannotCreateIndex',
      "Index keys cannot be empty; the 'key' field must be a document",
    );
  }
  for (const [field, direction] of Object.entries(key)) {
    if (direction !== 1 && direction !== -1) {
      throw new CommandError(
        'CannotCreateIndex',
        `Index type ${JSON.stringify(direction)} on field '${field}' is not supported by the in-memory server`,
      );
    }
  }
  if (typeof name !== 'string' || name === '') {
    throw new CommandError(
      'FailedToParse',
      "The 'name' field is a required property of an index specification",
    );
  }
  for (const option of Object.keys(rest)) {
    if (option === 'collation') {
      throw new CommandError('BadValue', 'collation is not supported by the in-memory server');
    }
    if (!IGNORED_OPTIONS.has(option)) {
      throw new CommandError(
        'InvalidIndexSpecificationOption',
        `The field '${option}' is not valid for an index specification. Specification: ${formatDocument(raw)}`,
      );
    }
  }
  const spec: { -readonly [K in keyof IndexSpec]: IndexSpec[K] } = { v: 2, key, name };
  if (unique === true) spec.unique = true;
  if (sparse === true) spec.sparse = true;
  if (expireAfterSeconds !== undefined) {
    const seconds = toInteger(expireAfterSeconds);
    if (seconds === undefined || seconds < 0) {
      throw new CommandError(
        'CannotCreateIndex',
        "TTL index 'expireAfterSeconds' option must be a non-negative number",
      );
    }
    if (Object.keys(key).length !== 1 || '_id' in key) {
      throw new CommandError(
        'CannotCreateIndex',
        'TTL indexes are single-field indexes on a field other than _id',
      );
    }
    spec.expireAfterSeconds = seconds;
  }
  if (partialFilterExpression !== undefined) {
    if (!isDoc(partialFilterExpression)) {
      throw new CommandError('TypeMismatch', "'partialFilterExpression' for an index must be a document");
    }
    spec.partialFilterExpression = partialFilterExpression;
  }
  if (hidden !== undefined) spec.hidden = hidden === true;
  return spec;
}

/** mongod's IndexDescriptor::compareIndexOptions: the key and the "uniquely identifying" options decide identity. */
export function compareIndexSpecs(a: IndexSpec, b: IndexSpec): 'identical' | 'equivalent' | 'different' {
  const identity = (spec: IndexSpec) => ({
    key: spec.key,
    unique: spec.unique ?? false,
    sparse: spec.sparse ?? false,
    partialFilterExpression: spec.partialFilterExpression ?? null,
  });
  if (!sameDocument(identity(a), identity(b))) return 'different';
  const options = (spec: IndexSpec) => ({
    ttl: spec.expireAfterSeconds ?? null,
    hidden: spec.hidden ?? false,
  });
  return sameDocument(options(a), options(b)) ? 'identical' : 'equivalent';
}

/** One key a document contributes to an index, with the values for `keyValue` in a duplicate key error. */
interface IndexEntry {
  readonly key: string;
  readonly keyValue: Doc;
}

/**
 * An index of one collection. Only uniqueness and TTL need runtime state: queries scan, so a non-unique index is a
 * catalog entry. Lives as long as its collection or until dropIndexes.
 */
export class Index {
  /** For a unique index: canonical key -> the `_id` key of the document holding it. */
  private readonly owners = new Map<string, string>();
  private readonly fields: string[];
  private readonly coversDocument: (doc: Doc) => boolean;

  constructor(
    readonly spec: IndexSpec,
    private readonly ns: string,
  ) {
    this.fields = Object.keys(spec.key);
    const partial = spec.partialFilterExpression;
    this.coversDocument = partial ? compileFilter(partial) : () => true;
  }

  get isUnique(): boolean {
    return this.spec.unique === true || this.spec.name === ID_INDEX_SPEC.name;
  }

  /** The first unique key of `doc` held by a document other than `self`, as the error mongod answers. */
  findConflict(doc: Doc, self: string | undefined): DuplicateKeyError | undefined {
    if (!this.isUnique) return undefined;
    for (const entry of this.entries(doc)) {
      const owner = this.owners.get(entry.key);
      if (owner !== undefined && owner !== self) {
        return new DuplicateKeyError(
          this.ns,
          this.spec.name,
          this.spec.key,
          entry.keyValue,
          formatDocument(entry.keyValue),
        );
      }
    }
    return undefined;
  }

  add(doc: Doc, docKey: string): void {
    if (!this.isUnique) return;
    for (const entry of this.entries(doc)) this.owners.set(entry.key, docKey);
  }

  remove(doc: Doc, docKey: string): void {
    if (!this.isUnique) return;
    for (const entry of this.entries(doc)) {
      if (this.owners.get(entry.key) === docKey) this.owners.delete(entry.key);
    }
  }

  /** For a TTL index: when `doc` expires (the earliest Date of the field, as mongod), or undefined if never. */
  expiryOf(doc: Doc): number | undefined {
    const seconds = this.spec.expireAfterSeconds;
    if (seconds === undefined || !this.coversDocument(doc)) return undefined;
    const dates = valuesAtPath(doc, this.fields[0]).filter((value) => value instanceof Date);
    if (dates.length === 0) return undefined;
    return Math.min(...dates.map((date) => date.getTime())) + seconds * 1000;
  }

  /**
   * The index keys of a document: one per combination of array elements (multikey), none when a sparse index misses
   * every field or a partial index's filter does not match. A missing field indexes as null.
   */
  private entries(doc: Doc): IndexEntry[] {
    if (!this.coversDocument(doc)) return [];
    const perField = this.fields.map((field) => valuesAtPath(doc, field));
    if (this.spec.sparse && perField.every((values) => values.every((value) => value === undefined))) {
      return [];
    }
    const entries = new Map<string, IndexEntry>();
    for (const combination of cartesian(perField)) {
      const keyValue: Doc = {};
      this.fields.forEach((field, i) => (keyValue[field] = combination[i] ?? null));
      const key = combination.map(canonicalKey).join('|');
      entries.set(key, { key, keyValue });
    }
    return [...entries.values()];
  }
}

function cartesian(lists: unknown[][]): unknown[][] {
  return lists.reduce<unknown[][]>(
    (combinations, values) => combinations.flatMap((prefix) => values.map((value) => [...prefix, value])),
    [[]],
  );
}
