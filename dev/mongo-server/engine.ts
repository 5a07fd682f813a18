import { BSON, UUID } from 'bson';
import { CommandError } from './errors';
import { compareIndexSpecs, ID_INDEX_SPEC, Index, type IndexSpec } from './indexes';
import { canonicalKey, formatDocument, isDoc, type Doc } from './values';

/**
 * One collection. Invariant: a stored document is never mutated; every write stores a new object. Cursors and
 * replies can therefore hold stored documents without copying them.
 */
export class Collection {
  /** `_id` canonical key -> document; the Map's insertion order is the natural order. */
  private readonly documents = new Map<string, Doc>();
  private readonly indexes = new Map<string, Index>();
  readonly uuid = new UUID();

  constructor(
    readonly db: string,
    readonly name: string,
    readonly options: Doc = {},
    /** Called after every change to documents or indexes (the engine's revision, which persistence watches). */
    private readonly changed: () => void = () => undefined,
  ) {
    this.indexes.set(ID_INDEX_SPEC.name, new Index(ID_INDEX_SPEC, this.ns));
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get size(): number {
    return this.documents.size;
  }

  all(): IterableIterator<Doc> {
    return this.documents.values();
  }

  /**
   * The documents a filter can match: all of them, or the one with that `_id` when the filter pins a scalar `_id`.
   * Callers still apply the whole filter.
   */
  candidates(filter: Doc): Iterable<Doc> {
    if (!isScalarId(filter._id)) return this.all();
    const doc = this.documents.get(canonicalKey(filter._id));
    return doc ? [doc] : [];
  }

  /**
   * The complete answer to a filter that is exactly `{ _id: <scalar> }` (the commonest read: a document by its
   * key), straight from the `_id` map; undefined for any other filter, which then goes through the query engine.
   */
  matchById(filter: Doc): Doc[] | undefined {
    for (const field in filter) if (field !== '_id') return undefined;
    return isScalarId(filter._id) ? [...this.candidates(filter)] : undefined;
  }

  /** Stores a new document (which the caller gives up), or throws the DuplicateKeyError of the first unique index. */
  insert(doc: Doc): void {
    const key = canonicalKey(doc._id);
    this.throwOnConflict(doc, undefined);
    this.documents.set(key, doc);
    for (const index of this.indexes.values()) index.add(doc, key);
    this.changed();
  }

  /** Swaps a stored document for its updated copy (same `_id`), keeping its place in natural order. */
  replace(stored: Doc, updated: Doc): void {
    const key = canonicalKey(stored._id);
    this.throwOnConflict(updated, key);
    for (const index of this.indexes.values()) index.remove(stored, key);
    this.documents.set(key, updated);
    for (const index of this.indexes.values()) index.add(updated, key);
    this.changed();
  }

  remove(stored: Doc): void {
    const key = canonicalKey(stored._id);
    for (const index of this.indexes.values()) index.remove(stored, key);
    this.documents.delete(key);
    this.changed();
  }

  listIndexes(): IndexSpec[] {
    return [...this.indexes.values()].map((index) => index.spec);
  }

  /**
   * Adds an index, or returns false when an identical one exists. Conflicts answer mongod's codes: 86 for a name
   * taken by a different index, 85 for the same index under another name or with other options.
   */
  createIndex(spec: IndexSpec): boolean {
    const byName = this.indexes.get(spec.name);
    if (byName) {
      const comparison = compareIndexSpecs(spec, byName.spec);
      if (comparison === 'identical') return false;
      if (comparison === 'different') {
        throw new CommandError(
          'IndexKeySpecsConflict',
          'An existing index has the same name as the requested index. When index names are not specified, they ' +
            'are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ' +
            `${formatDocument({ ...spec })}, existing index: ${formatDocument({ ...byName.spec })}`,
        );
      }
      throw new CommandError(
        'IndexOptionsConflict',
        'An equivalent index already exists with the same name but different options. Requested index: ' +
          `${formatDocument({ ...spec })}, existing index: ${formatDocument({ ...byName.spec })}`,
      );
    }
    for (const existing of this.indexes.values()) {
      const comparison = compareIndexSpecs(spec, existing.spec);
      if (comparison === 'identical') {
        throw new CommandError(
          'IndexOptionsConflict',
          `Index already exists with a different name: ${existing.spec.name}`,
        );
      }
      if (comparison === 'equivalent') {
        throw new CommandError(
          'IndexOptionsConflict',
          'An equivalent index already exists with a different name and options. Requested index: ' +
            `${formatDocument({ ...spec })}, existing index: ${formatDocument({ ...existing.spec })}`,
        );
      }
    }
    const index = new Index(spec, this.ns);
    // Building a unique index over existing duplicates fails with the duplicate, as on mongod.
    for (const [key, doc] of this.documents) {
      const conflict = index.findConflict(doc, undefined);
      if (conflict) throw conflict;
      index.add(doc, key);
    }
    this.indexes.set(spec.name, index);
    this.changed();
    return true;
  }

  /** Drops one index by name; `_id_` cannot be dropped. */
  dropIndex(name: string): void {
    if (name === ID_INDEX_SPEC.name) throw new CommandError('InvalidOptions', 'cannot drop _id index');
    if (!this.indexes.delete(name)) {
      throw new CommandError('IndexNotFound', `index not found with name [${name}]`);
    }
    this.changed();
  }

  /** Deletes every document a TTL index says has expired at `now`; returns how many. */
  expire(now: number): number {
    const ttlIndexes = [...this.indexes.values()].filter(
      (index) => index.spec.expireAfterSeconds !== undefined,
    );
    if (ttlIndexes.length === 0) return 0;
    let removed = 0;
    for (const doc of [...this.documents.values()]) {
      const expired = ttlIndexes.some((index) => {
        const expiry = index.expiryOf(doc);
        return expiry !== undefined && expiry <= now;
      });
      if (expired) {
        this.remove(doc);
        removed += 1;
      }
    }
    return removed;
  }

  /** An estimate for listDatabases: the BSON size of the documents. */
  dataSize(): number {
    let total = 0;
    for (const doc of this.documents.values()) total += BSON.calculateObjectSize(doc);
    return total;
  }

  /** `self`: the `_id` key of the document being replaced, whose own keys are no conflict; undefined for an insert. */
  private throwOnConflict(doc: Doc, self: string | undefined): void {
    for (const index of this.indexes.values()) {
      const conflict = index.findConflict(doc, self);
      if (conflict) throw conflict;
    }
  }
}

/** Every database of one server; lives as long as the server, across suspend() and resume(). */
export class Engine {
  private readonly databases = new Map<string, Map<string, Collection>>();
  private changes = 0;

  /** Grows with every change to any collection, document or index: a snapshot is stale when it moved. */
  get revision(): number {
    return this.changes;
  }

  collection(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.get(name);
  }

  /** The collection, created on first write as mongod does; `created` feeds `createdCollectionAutomatically`. */
  ensureCollection(db: string, name: string): { collection: Collection; created: boolean } {
    const existing = this.collection(db, name);
    if (existing) return { collection: existing, created: false };
    return { collection: this.createCollection(db, name, {}), created: true };
  }

  createCollection(db: string, name: string, options: Doc): Collection {
    validateNamespace(db, name);
    if (this.collection(db, name)) {
      throw new CommandError('NamespaceExists', `Collection ${db}.${name} already exists.`);
    }
    const collection = new Collection(db, name, options, () => (this.changes += 1));
    const collections = this.databases.get(db) ?? new Map<string, Collection>();
    collections.set(name, collection);
    this.databases.set(db, collections);
    this.changes += 1;
    return collection;
  }

  collections(db: string): Collection[] {
    return [...(this.databases.get(db)?.values() ?? [])];
  }

  databaseNames(): string[] {
    return [...this.databases.keys()];
  }

  dropCollection(db: string, name: string): Collection | undefined {
    const collections = this.databases.get(db);
    const collection = collections?.get(name);
    if (!collections || !collection) return undefined;
    collections.delete(name);
    if (collections.size === 0) this.databases.delete(db);
    this.changes += 1;
    return collection;
  }

  dropDatabase(db: string): boolean {
    const dropped = this.databases.delete(db);
    if (dropped) this.changes += 1;
    return dropped;
  }

  /** One TTL monitor pass over every collection. */
  expire(now: Date): number {
    let removed = 0;
    for (const collections of this.databases.values()) {
      for (const collection of collections.values()) removed += collection.expire(now.getTime());
    }
    return removed;
  }
}

function validateNamespace(db: string, name: string): void {
  if (db === '' || /[/\\. "$]/.test(db)) {
    throw new CommandError('InvalidNamespace', `Invalid database name: '${db}'`);
  }
  if (name === '' || name.includes('$') || name.includes('\0') || name.startsWith('.')) {
    throw new CommandError('InvalidNamespace', `Invalid collection name: ${name}`);
  }
}

/** An `_id` the `_id` map can look up: not a query operator document, array, regular expression or null. */
function isScalarId(id: unknown): boolean {
  return !(id === undefined || id === null || isDoc(id) || Array.isArray(id) || id instanceof RegExp);
}
