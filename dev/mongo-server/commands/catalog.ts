import { BSON } from 'bson';
import type { Collection } from '../engine';
import { CommandError } from '../errors';
import { ID_INDEX_SPEC, parseIndexSpec } from '../indexes';
import { findDocuments } from '../query';
import { isDoc, sameDocument } from '../values';
import { GENERIC_FIELDS, type CommandArgs } from './args';
import type { CommandContext, CommandHandler } from './context';
import { openCommandCursor } from './read';

function existingCollection(
  args: CommandArgs,
  context: CommandContext,
  message: (ns: string) => string,
): Collection {
  const name = args.collectionName();
  const collection = context.engine.collection(context.db, name);
  if (!collection) throw new CommandError('NamespaceNotFound', message(`${context.db}.${name}`));
  return collection;
}

/** Collection options that change behaviour (capped, views, validators, …) are refused rather than ignored. */
const create: CommandHandler = (args, context) => {
  const name = args.collectionName();
  const unsupported = Object.keys(args.command).filter(
    (field) => field !== 'create' && !GENERIC_FIELDS.has(field),
  );
  if (unsupported.length) {
    throw new CommandError(
      'CommandNotSupported',
      `create option '${unsupported[0]}' is not supported by the in-memory server`,
    );
  }
  context.engine.createCollection(context.db, name, {});
  return { ok: 1 };
};

/** Dropping a missing collection succeeds, as on mongod 7.0. */
const drop: CommandHandler = (args, context) => {
  const name = args.collectionName();
  const dropped = context.engine.dropCollection(context.db, name);
  context.cursors.killNamespace(`${context.db}.${name}`);
  if (!dropped) return { ok: 1 };
  return { nIndexesWas: dropped.listIndexes().length, ns: dropped.ns, ok: 1 };
};

const dropDatabase: CommandHandler = (_args, context) => {
  context.engine.dropDatabase(context.db);
  context.cursors.killDatabase(context.db);
  return { ok: 1 };
};

const listCollections: CommandHandler = (args, context) => {
  const nameOnly = args.optionalBoolean('nameOnly') ?? false;
  const entries = context.engine.collections(context.db).map((collection) =>
    nameOnly
      ? { name: collection.name, type: 'collection' }
      : {
          name: collection.name,
          type: 'collection',
          options: collection.options,
          info: { readOnly: false, uuid: collection.uuid },
          idIndex: ID_INDEX_SPEC,
        },
  );
  const filter = args.optionalDoc('filter') ?? {};
  return openCommandCursor(
    args,
    context,
    `${context.db}.$cmd.listCollections`,
    findDocuments(entries, { filter }),
  );
};

const listDatabases: CommandHandler = (args, context) => {
  if (context.db !== 'admin') {
    throw new CommandError('Unauthorized', 'listDatabases may only be run against the admin database.');
  }
  const entries = context.engine.databaseNames().map((name) => {
    const sizeOnDisk = context.engine
      .collections(name)
      .reduce((total, collection) => total + collection.dataSize(), 0);
    return { name, sizeOnDisk, empty: sizeOnDisk === 0 };
  });
  const databases = findDocuments(entries, { filter: args.optionalDoc('filter') ?? {} });
  if (args.optionalBoolean('nameOnly')) return { databases: databases.map(({ name }) => ({ name })), ok: 1 };
  const totalSize = databases.reduce((total, database) => total + Number(database.sizeOnDisk), 0);
  return { databases, totalSize, totalSizeMb: Math.floor(totalSize / (1024 * 1024)), ok: 1 };
};

/** Idempotent for an identical index ("all indexes already exist"); all or nothing when one of several fails. */
const createIndexes: CommandHandler = (args, context) => {
  const specs = args.docArray('indexes').map(parseIndexSpec);
  if (specs.length === 0) throw new CommandError('BadValue', 'Must specify at least one index to create');
  const { collection, created } = context.engine.ensureCollection(context.db, args.collectionName());
  const numIndexesBefore = collection.listIndexes().length;
  const added: string[] = [];
  try {
    for (const spec of specs) if (collection.createIndex(spec)) added.push(spec.name);
  } catch (error) {
    for (const name of added) collection.dropIndex(name);
    throw error;
  }
  return {
    numIndexesBefore,
    numIndexesAfter: collection.listIndexes().length,
    ...(added.length ? { createdCollectionAutomatically: created } : { note: 'all indexes already exist' }),
    ok: 1,
  };
};

const listIndexes: CommandHandler = (args, context) => {
  const collection = existingCollection(args, context, (ns) => `ns does not exist: ${ns}`);
  return openCommandCursor(
    args,
    context,
    collection.ns,
    collection.listIndexes().map((spec) => ({ ...spec })),
  );
};

/** `index` is "*", a name, a key pattern or an array of names, as in mongod. */
const dropIndexes: CommandHandler = (args, context) => {
  const collection = existingCollection(args, context, (ns) => `ns not found ${ns}`);
  const nIndexesWas = collection.listIndexes().length;
  for (const name of indexNamesToDrop(collection, args.command.index)) collection.dropIndex(name);
  return { nIndexesWas, ok: 1 };
};

function indexNamesToDrop(collection: Collection, index: unknown): string[] {
  if (index === '*') {
    return collection
      .listIndexes()
      .map((spec) => spec.name)
      .filter((name) => name !== ID_INDEX_SPEC.name);
  }
  if (typeof index === 'string') return [index];
  if (Array.isArray(index) && index.every((name) => typeof name === 'string')) return index;
  if (isDoc(index)) {
    const match = collection.listIndexes().find((spec) => sameDocument(spec.key, index));
    if (!match) {
      throw new CommandError('IndexNotFound', `can't find index with key: ${BSON.EJSON.stringify(index)}`);
    }
    return [match.name];
  }
  throw new CommandError(
    'TypeMismatch',
    "BSON field 'dropIndexes.index' must be a string, an array or a document",
  );
}

export const catalogCommands: Record<string, CommandHandler> = {
  create,
  drop,
  dropDatabase,
  listCollections,
  listDatabases,
  createIndexes,
  listIndexes,
  dropIndexes,
};
