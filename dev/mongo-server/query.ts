import { Aggregator, ProcessingMode, Query } from 'mingo';
import type { Options } from 'mingo/types';
import { CommandError, toCommandError } from './errors';
import { isDoc, type Doc } from './values';

/**
 * mingo does the query language, projection, sort and aggregation. Scripts are off: `$where`, `$function` and
 * `$accumulator` are refused, as they are on a locked-down mongod.
 */
const MINGO_OPTIONS: Partial<Options> = { scriptEnabled: false };

/** Stages that write elsewhere: they would bypass the unique indexes, so they are refused. */
const UNSUPPORTED_STAGES = new Set(['$out', '$merge', '$changeStream', '$search', '$geoNear', '$collStats']);

export interface FindOptions {
  readonly filter?: Doc;
  readonly sort?: Doc;
  readonly projection?: Doc;
  readonly skip?: number;
  readonly limit?: number;
}

/** Compiles a filter once; the predicate never throws for a valid filter. */
export function compileFilter(filter: Doc): (doc: Doc) => boolean {
  const query = withMingo(() => new Query(filter, MINGO_OPTIONS));
  return (doc) => query.test(doc);
}

/**
 * Runs a query over stored documents. Results may share sub-objects with the stored documents: callers only serialize
 * them, and stored documents are never mutated (writes replace them).
 */
export function findDocuments(documents: Iterable<Doc>, options: FindOptions): Doc[] {
  return withMingo(() => {
    const query = new Query(options.filter ?? {}, MINGO_OPTIONS);
    let cursor = query.find<Doc>(Array.from(documents), options.projection ?? {});
    if (options.sort && Object.keys(options.sort).length) cursor = cursor.sort(options.sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return cursor.all();
  });
}

export function project(doc: Doc, projection: Doc | undefined): Doc {
  if (!projection || Object.keys(projection).length === 0) return doc;
  return withMingo(() => new Query({}, MINGO_OPTIONS).find<Doc>([doc], projection).all()[0]);
}

/**
 * Runs an aggregation pipeline. Inputs are cloned first (CLONE_INPUT) because some stages build their output by
 * mutating the documents they receive, and these are the stored ones. `resolveCollection` serves $lookup/$unionWith.
 */
export function aggregateDocuments(
  documents: Iterable<Doc>,
  pipeline: Doc[],
  resolveCollection: (name: string) => Doc[],
): Doc[] {
  for (const stage of pipeline) {
    const name = Object.keys(stage)[0];
    if (UNSUPPORTED_STAGES.has(name)) {
      throw new CommandError('CommandNotSupported', `${name} is not supported by the in-memory server`);
    }
  }
  return withMingo(() =>
    new Aggregator(pipeline, {
      ...MINGO_OPTIONS,
      processingMode: ProcessingMode.CLONE_INPUT,
      collectionResolver: resolveCollection,
    })
      .run(Array.from(documents))
      .filter(isDoc),
  );
}

/** Calls into mingo, turning its errors (always about the request) into BadValue replies. */
export function withMingo<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw toCommandError(error);
  }
}
