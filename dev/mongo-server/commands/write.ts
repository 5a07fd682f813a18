import { ObjectId } from 'bson';
import type { Collection } from '../engine';
import { CommandError, toCommandError } from '../errors';
import { findDocuments, project } from '../query';
import {
  applyUpdate,
  buildUpsertDocument,
  parseUpdateSpec,
  type UpdateContext,
  type UpdateSpec,
} from '../updates';
import { sameDocument, withIdFirst, type Doc } from '../values';
import { CommandArgs, rejectCollation } from './args';
import type { CommandHandler } from './context';

/** The outcome of one statement of an insert, update or delete command. */
interface StatementResult {
  readonly n: number;
  readonly nModified?: number;
  readonly upsertedId?: unknown;
}

/**
 * Runs the statements of a write command in order. A failing statement becomes an entry of `writeErrors` (the command
 * still answers ok: 1); an ordered command stops there, an unordered one carries on.
 */
function runStatements(
  args: CommandArgs,
  statements: Doc[],
  run: (statement: Doc) => StatementResult,
  withModified: boolean,
): Doc {
  const ordered = args.optionalBoolean('ordered') ?? true;
  let n = 0;
  let nModified = 0;
  const upserted: Doc[] = [];
  const writeErrors: Doc[] = [];
  for (const [index, statement] of statements.entries()) {
    try {
      const result = run(statement);
      n += result.n;
      nModified += result.nModified ?? 0;
      if (result.upsertedId !== undefined) upserted.push({ index, _id: result.upsertedId });
    } catch (error) {
      writeErrors.push(toCommandError(error).toWriteError(index));
      if (ordered) break;
    }
  }
  return {
    n,
    ...(withModified ? { nModified } : {}),
    ...(upserted.length ? { upserted } : {}),
    ...(writeErrors.length ? { writeErrors } : {}),
    ok: 1,
  };
}

const insert: CommandHandler = (args, context) => {
  const documents = args.docArray('documents');
  const { collection } = context.engine.ensureCollection(context.db, args.collectionName());
  return runStatements(
    args,
    documents,
    (doc) => {
      collection.insert(prepareForInsert(doc));
      return { n: 1 };
    },
    false,
  );
};

/** mongod stores `_id` first and generates an ObjectId when the client sent none. */
function prepareForInsert(doc: Doc): Doc {
  if (Array.isArray(doc._id)) throw new CommandError('BadValue', "can't use an array for _id");
  return withIdFirst(doc._id === undefined ? { _id: new ObjectId(), ...doc } : doc);
}

const update: CommandHandler = (args, context) => {
  const name = args.collectionName();
  return runStatements(
    args,
    args.docArray('updates'),
    (statement) => {
      const fields = new CommandArgs(statement, 'update.updates');
      const filter = fields.optionalDoc('q') ?? {};
      const spec = parseUpdateSpec(statement.u);
      const multi = fields.optionalBoolean('multi') ?? false;
      const upsert = fields.optionalBoolean('upsert') ?? false;
      rejectCollation(statement);
      if (multi && spec.kind === 'replacement') {
        throw new CommandError('FailedToParse', 'multi update is not supported for replacement-style update');
      }
      const updateContext: UpdateContext = { filter, arrayFilters: fields.optionalDocArray('arrayFilters') };
      const collection = upsert
        ? context.engine.ensureCollection(context.db, name).collection
        : context.engine.collection(context.db, name);
      if (!collection) return { n: 0, nModified: 0 };
      const matches = findDocuments(collection.candidates(filter), { filter, limit: multi ? 0 : 1 });
      if (matches.length === 0 && upsert) {
        const inserted = buildUpsertDocument(spec, updateContext);
        collection.insert(inserted);
        return { n: 1, nModified: 0, upsertedId: inserted._id };
      }
      let nModified = 0;
      for (const stored of matches) {
        if (updateStored(collection, stored, spec, updateContext)) nModified += 1;
      }
      return { n: matches.length, nModified };
    },
    true,
  );
};

/** Applies an update to one stored document; returns the new document, or undefined when nothing changed. */
function updateStored(
  collection: Collection,
  stored: Doc,
  spec: UpdateSpec,
  context: UpdateContext,
): Doc | undefined {
  const updated = applyUpdate(stored, spec, context);
  if (sameDocument(stored, updated)) return undefined;
  collection.replace(stored, updated);
  return updated;
}

const deleteCommand: CommandHandler = (args, context) => {
  const collection = context.engine.collection(context.db, args.collectionName());
  return runStatements(
    args,
    args.docArray('deletes'),
    (statement) => {
      const fields = new CommandArgs(statement, 'delete.deletes');
      const filter = fields.optionalDoc('q') ?? {};
      const limit = fields.optionalInteger('limit') ?? 0;
      rejectCollation(statement);
      if (limit !== 0 && limit !== 1) {
        throw new CommandError(
          'FailedToParse',
          `The limit field in delete objects must be 0 or 1. Got ${limit}`,
        );
      }
      if (!collection) return { n: 0 };
      const matches = findDocuments(collection.candidates(filter), { filter, limit });
      for (const stored of matches) collection.remove(stored);
      return { n: matches.length };
    },
    false,
  );
};

/** findOneAndUpdate / findOneAndReplace / findOneAndDelete. A duplicate key here is a top-level error. */
const findAndModify: CommandHandler = (args, context) => {
  const remove = args.optionalBoolean('remove') ?? false;
  const returnNew = args.optionalBoolean('new') ?? false;
  const upsert = args.optionalBoolean('upsert') ?? false;
  const rawUpdate = args.command.update;
  if (remove && rawUpdate !== undefined) {
    throw new CommandError('FailedToParse', 'Cannot specify both an update and remove=true');
  }
  if (!remove && rawUpdate === undefined) {
    throw new CommandError('FailedToParse', 'Either an update or remove=true must be specified');
  }
  if (remove && (upsert || returnNew)) {
    throw new CommandError('FailedToParse', 'Cannot specify both upsert=true or new=true and remove=true');
  }
  // Parsed before looking for the document, so a bad update is refused even when nothing matches.
  const spec = remove ? undefined : parseUpdateSpec(rawUpdate);
  const filter = args.optionalDoc('query') ?? {};
  const fields = args.optionalDoc('fields');
  const updateContext: UpdateContext = { filter, arrayFilters: args.optionalDocArray('arrayFilters') };
  const reply = (lastErrorObject: Doc, value: Doc | undefined): Doc => ({
    lastErrorObject,
    value: value ? project(value, fields) : null,
    ok: 1,
  });
  const name = args.collectionName();
  const collection = upsert
    ? context.engine.ensureCollection(context.db, name).collection
    : context.engine.collection(context.db, name);
  const sort = args.optionalDoc('sort');
  const [stored] = collection ? findDocuments(collection.candidates(filter), { filter, sort, limit: 1 }) : [];

  if (!spec) {
    if (!collection || !stored) return reply({ n: 0 }, undefined);
    collection.remove(stored);
    return reply({ n: 1 }, stored);
  }
  if (!collection) return reply({ n: 0, updatedExisting: false }, undefined);
  if (stored) {
    const updated = updateStored(collection, stored, spec, updateContext) ?? stored;
    return reply({ n: 1, updatedExisting: true }, returnNew ? updated : stored);
  }
  if (!upsert) return reply({ n: 0, updatedExisting: false }, undefined);
  const inserted = buildUpsertDocument(spec, updateContext);
  collection.insert(inserted);
  return reply({ n: 1, updatedExisting: false, upserted: inserted._id }, returnNew ? inserted : undefined);
};

export const writeCommands: Record<string, CommandHandler> = {
  insert,
  update,
  delete: deleteCommand,
  findAndModify,
};
