import { Long } from 'bson';
import type { CursorBatch } from '../cursors';
import { CommandError } from '../errors';
import { aggregateDocuments, findDocuments } from '../query';
import { canonicalKey, cloneDocument, isDoc, toInteger, valuesAtPath, type Doc } from '../values';
import { CommandArgs } from './args';
import type { CommandContext, CommandHandler } from './context';

/** The one shape of every cursor reply: find, aggregate, getMore, listIndexes, listCollections. */
export function cursorReply(batch: CursorBatch, field: 'firstBatch' | 'nextBatch'): Doc {
  return { cursor: { [field]: batch.documents, id: batch.id, ns: batch.ns }, ok: 1 };
}

/** Opens a cursor over finished results, honouring `cursor.batchSize` (listIndexes, listCollections, aggregate). */
export function openCommandCursor(
  args: CommandArgs,
  context: CommandContext,
  ns: string,
  results: Doc[],
): Doc {
  const cursorOptions = new CommandArgs(args.optionalDoc('cursor') ?? {}, `${args.name}.cursor`);
  const batch = context.cursors.open(ns, results, { batchSize: cursorOptions.optionalInteger('batchSize') });
  return cursorReply(batch, 'firstBatch');
}

const find: CommandHandler = (args, context) => {
  const name = args.collectionName();
  const filter = args.optionalDoc('filter') ?? {};
  const collection = context.engine.collection(context.db, name);
  const options = {
    filter,
    sort: args.optionalDoc('sort'),
    projection: args.optionalDoc('projection'),
    skip: args.optionalInteger('skip'),
    limit: args.optionalInteger('limit'),
  };
  // At most one document matches `{ _id: <scalar> }`, so sort and limit change nothing; a projection or skip
  // still goes through the query engine.
  const byId = options.projection === undefined && !options.skip ? collection?.matchById(filter) : undefined;
  const results = byId ?? findDocuments(collection?.candidates(filter) ?? [], options);
  const batch = context.cursors.open(`${context.db}.${name}`, results, {
    batchSize: args.optionalInteger('batchSize'),
    singleBatch: args.optionalBoolean('singleBatch'),
  });
  return cursorReply(batch, 'firstBatch');
};

const getMore: CommandHandler = (args, context) => {
  const ns = `${context.db}.${args.string('collection')}`;
  return cursorReply(
    context.cursors.next(args.long('getMore'), ns, args.optionalInteger('batchSize')),
    'nextBatch',
  );
};

const killCursors: CommandHandler = (args, context) => {
  args.collectionName();
  const ids = args.command.cursors;
  if (!Array.isArray(ids) || !ids.every((id) => id instanceof Long)) {
    throw new CommandError('TypeMismatch', "BSON field 'killCursors.cursors' must be an array of longs");
  }
  const { killed, notFound } = context.cursors.kill(ids);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
};

const aggregate: CommandHandler = (args, context) => {
  const target = args.command.aggregate;
  const pipeline = args.docArray('pipeline');
  if (args.command.explain) {
    throw new CommandError('CommandNotSupported', 'explain is not supported by the in-memory server');
  }
  if (!isDoc(args.command.cursor)) {
    throw new CommandError(
      'FailedToParse',
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  }
  // `{aggregate: 1}` runs a collection-less pipeline (e.g. starting with $documents).
  const collection = typeof target === 'string' ? context.engine.collection(context.db, target) : undefined;
  const firstMatch = pipeline[0]?.$match;
  const source = collection ? collection.candidates(isDoc(firstMatch) ? firstMatch : {}) : [];
  // $lookup/$unionWith get copies: later stages may modify what they pull in.
  const results = aggregateDocuments(source, pipeline, (name) =>
    [...(context.engine.collection(context.db, name)?.all() ?? [])].map(cloneDocument),
  );
  const ns = typeof target === 'string' ? `${context.db}.${target}` : `${context.db}.$cmd.aggregate`;
  return openCommandCursor(args, context, ns, results);
};

const count: CommandHandler = (args, context) => {
  const filter = args.optionalDoc('query') ?? {};
  const collection = context.engine.collection(context.db, args.collectionName());
  const matched = findDocuments(collection?.candidates(filter) ?? [], {
    filter,
    skip: args.optionalInteger('skip'),
    // count, unlike find, accepts a negative limit and means its absolute value.
    limit: Math.abs(toInteger(args.command.limit) ?? 0),
  });
  return { n: matched.length, ok: 1 };
};

const distinct: CommandHandler = (args, context) => {
  const key = args.string('key');
  const filter = args.optionalDoc('query') ?? {};
  const collection = context.engine.collection(context.db, args.collectionName());
  const values = new Map<string, unknown>();
  for (const doc of findDocuments(collection?.candidates(filter) ?? [], { filter })) {
    for (const value of valuesAtPath(doc, key)) {
      if (value !== undefined && !values.has(canonicalKey(value))) values.set(canonicalKey(value), value);
    }
  }
  return { values: [...values.values()], ok: 1 };
};

export const readCommands: Record<string, CommandHandler> = {
  find,
  getMore,
  killCursors,
  aggregate,
  count,
  distinct,
};
