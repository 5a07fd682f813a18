import { readFileSync } from 'node:fs';
import { BSON } from 'bson';
import { writeFileAtomic } from '../atomic-file';
import type { Engine } from './engine';
import type { IndexSpec } from './indexes';
import { DESERIALIZE_OPTIONS, isDoc, type Doc } from './values';

/**
 * The whole engine as one file: a header document, then per collection a document naming it (database, name,
 * options, indexes, document count) followed by its documents, every one plain BSON read back with the wire's
 * DESERIALIZE_OPTIONS, so a document reloads exactly as a client's read would return it. Documents are framed by
 * BSON's own length prefix; no document over 16 MiB can be stored in the first place.
 */
const FORMAT = 'gmail-gateway-mongo-snapshot';
const VERSION = 1;

export class SnapshotError extends Error {
  constructor(file: string, problem: string) {
    super(`mongo-server: cannot load ${file}: ${problem}`);
    this.name = 'SnapshotError';
  }
}

/** Writes every database of the engine to `file`, atomically (the old snapshot stays until the new one is whole). */
export function writeSnapshot(engine: Engine, file: string): void {
  const parts: Uint8Array[] = [BSON.serialize({ format: FORMAT, version: VERSION })];
  for (const db of engine.databaseNames()) {
    for (const collection of engine.collections(db)) {
      parts.push(
        BSON.serialize({
          db,
          name: collection.name,
          options: collection.options,
          // _id_ exists in every collection already.
          indexes: collection.listIndexes().filter((spec) => spec.name !== '_id_'),
          count: collection.size,
        }),
      );
      for (const doc of collection.all()) parts.push(BSON.serialize(doc));
    }
  }
  writeFileAtomic(file, Buffer.concat(parts));
}

/** Loads `file` into an empty engine; false when there is no such file (a first start). */
export function loadSnapshot(engine: Engine, file: string): boolean {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const reader = new DocumentReader(bytes, file);
  const header = reader.next();
  if (header?.format !== FORMAT || header.version !== VERSION) {
    throw new SnapshotError(file, `not a ${FORMAT} version ${VERSION}`);
  }
  for (let meta = reader.next(); meta !== undefined; meta = reader.next()) {
    const { db, name, options, indexes, count } = meta;
    if (
      typeof db !== 'string' ||
      typeof name !== 'string' ||
      !isDoc(options) ||
      !Array.isArray(indexes) ||
      typeof count !== 'number'
    ) {
      throw new SnapshotError(file, 'a collection header is malformed');
    }
    const collection = engine.createCollection(db, name, options);
    for (const spec of indexes as IndexSpec[]) collection.createIndex(spec);
    for (let i = 0; i < count; i += 1) {
      const doc = reader.next();
      if (doc === undefined) throw new SnapshotError(file, `${db}.${name} is cut short`);
      collection.insert(doc);
    }
  }
  return true;
}

class DocumentReader {
  private offset = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly file: string,
  ) {}

  next(): Doc | undefined {
    if (this.offset === this.bytes.length) return undefined;
    if (this.offset + 4 > this.bytes.length) throw new SnapshotError(this.file, 'truncated');
    const length = this.bytes.readInt32LE(this.offset);
    if (length < 5 || this.offset + length > this.bytes.length) {
      throw new SnapshotError(this.file, 'truncated');
    }
    const doc = BSON.deserialize(this.bytes.subarray(this.offset, this.offset + length), DESERIALIZE_OPTIONS);
    this.offset += length;
    return doc;
  }
}
