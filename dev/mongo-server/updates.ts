import { ObjectId } from 'bson';
import { update as applyOperators, updateOne as applyPipeline } from 'mingo';
import type { Modifier, PipelineStage } from 'mingo/updater';
import { CommandError } from './errors';
import { withMingo } from './query';
import { canonicalKey, cloneDocument, isDoc, setPath, withIdFirst, type Doc } from './values';

/** The three forms of `u`/`update` in update and findAndModify. */
export type UpdateSpec =
  | { readonly kind: 'replacement'; readonly replacement: Doc }
  | { readonly kind: 'operators'; readonly operators: Doc }
  | { readonly kind: 'pipeline'; readonly pipeline: Doc[] };

export function parseUpdateSpec(raw: unknown): UpdateSpec {
  if (Array.isArray(raw)) {
    if (!raw.every(isDoc)) {
      throw new CommandError('FailedToParse', 'Update pipeline stages must be documents');
    }
    return { kind: 'pipeline', pipeline: raw };
  }
  if (!isDoc(raw)) {
    throw new CommandError('FailedToParse', 'Update argument must be either an object or an array');
  }
  const keys = Object.keys(raw);
  const operatorCount = keys.filter((key) => key.startsWith('$')).length;
  if (operatorCount === 0) return { kind: 'replacement', replacement: raw };
  if (operatorCount !== keys.length) {
    const field = keys.find((key) => !key.startsWith('$'));
    throw new CommandError(
      'FailedToParse',
      `Unknown modifier: ${field}. Expected a valid update modifier or pipeline-style update specified as an array`,
    );
  }
  return { kind: 'operators', operators: raw };
}

export interface UpdateContext {
  /** The query that matched, needed by the positional `$` operator. */
  readonly filter: Doc;
  readonly arrayFilters?: Doc[];
}

/** The updated copy of `stored`; `stored` itself is left untouched. */
export function applyUpdate(stored: Doc, spec: UpdateSpec, context: UpdateContext): Doc {
  const updated = transform(stored, spec, context, false);
  if (canonicalKey(updated._id) !== canonicalKey(stored._id)) throw immutableId();
  return withIdFirst(updated);
}

/**
 * The document an upsert inserts. Like mongod: start from the filter's equality fields (top level and inside
 * `$and`), apply the update with `$setOnInsert` included, and give it an ObjectId `_id` if it still has none.
 */
export function buildUpsertDocument(spec: UpdateSpec, context: UpdateContext): Doc {
  const seed = equalityFields(context.filter);
  let inserted: Doc;
  if (spec.kind === 'replacement') {
    inserted = { ...(seed._id === undefined ? {} : { _id: seed._id }), ...cloneDocument(spec.replacement) };
  } else {
    inserted = transform(seed, spec, context, true);
  }
  if (inserted._id === undefined) inserted = { _id: new ObjectId(), ...inserted };
  return withIdFirst(inserted);
}

function transform(stored: Doc, spec: UpdateSpec, context: UpdateContext, inserting: boolean): Doc {
  switch (spec.kind) {
    case 'replacement':
      return { _id: stored._id, ...cloneDocument(spec.replacement) };
    case 'operators': {
      const { $setOnInsert, ...requested } = spec.operators;
      const operators = inserting ? requested : withoutIdNoOps(requested, stored._id);
      const copy = cloneDocument(stored);
      if (inserting && isDoc($setOnInsert)) {
        for (const [path, value] of Object.entries($setOnInsert)) setPath(copy, path, value);
      }
      if (Object.keys(operators).length) {
        const modifier = operators as Modifier<Doc>;
        // An upserted document need not match the filter (`{n: {$gt: 1}}`), and mingo only updates matches.
        const condition = inserting ? {} : context.filter;
        withMingo(() =>
          applyOperators(copy, modifier, context.arrayFilters, condition, { cloneMode: 'deep' }),
        );
      }
      return copy;
    }
    case 'pipeline': {
      const documents = [cloneDocument(stored)];
      withMingo(() => applyPipeline(documents, {}, spec.pipeline as PipelineStage[]));
      return documents[0];
    }
  }
}

/**
 * mingo refuses any operator on `_id`; mongod accepts setting it to its current value. Drops such no-ops and refuses
 * the rest with mongod's error.
 */
function withoutIdNoOps(operators: Doc, id: unknown): Doc {
  const result: Doc = {};
  for (const [operator, fields] of Object.entries(operators)) {
    if (!isDoc(fields)) {
      result[operator] = fields;
      continue;
    }
    const kept: Doc = {};
    for (const [path, value] of Object.entries(fields)) {
      const touchesId =
        path === '_id' || path.startsWith('_id.') || (operator === '$rename' && value === '_id');
      const isNoOp = operator === '$set' && path === '_id' && canonicalKey(value) === canonicalKey(id);
      if (!touchesId) kept[path] = value;
      else if (!isNoOp) throw immutableId();
    }
    if (Object.keys(kept).length) result[operator] = kept;
  }
  return result;
}

function immutableId(): CommandError {
  return new CommandError(
    'ImmutableField',
    "Performing an update on the path '_id' would modify the immutable field '_id'",
  );
}

function equalityFields(filter: Doc): Doc {
  const seed: Doc = {};
  const collect = (clause: Doc) => {
    for (const [path, condition] of Object.entries(clause)) {
      if (path === '$and' && Array.isArray(condition)) {
        condition.filter(isDoc).forEach(collect);
      } else if (path.startsWith('$') || condition instanceof RegExp) {
        continue;
      } else if (isDoc(condition) && Object.keys(condition).some((key) => key.startsWith('$'))) {
        if ('$eq' in condition) setPath(seed, path, cloneValue(condition.$eq));
      } else {
        setPath(seed, path, cloneValue(condition));
      }
    }
  };
  collect(filter);
  return seed;
}

function cloneValue(value: unknown): unknown {
  return cloneDocument({ value }).value;
}
