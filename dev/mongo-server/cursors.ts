import { randomBytes } from 'node:crypto';
import { BSON, Long } from 'bson';
import { CommandError } from './errors';
import { MAX_BSON_OBJECT_SIZE } from './wire';
import type { Doc } from './values';

/** mongod's default first batch; later batches are bounded by size only. */
const DEFAULT_FIRST_BATCH_SIZE = 101;
/** mongod's cursorTimeoutMillis: a cursor nobody asked for in 10 minutes is reaped. */
const CURSOR_IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  readonly ns: string;
  /** The remaining results, computed when the cursor was opened (a snapshot, which mongod does not promise). */
  readonly pending: Doc[];
  lastUsed: number;
}

export interface CursorBatch {
  /** Always a Long, 0 when the cursor is exhausted: a plain number would be encoded as int32 and break drivers. */
  readonly id: Long;
  readonly ns: string;
  readonly documents: Doc[];
}

/** The server-side cursors of one server: they outlive connections and are dropped when exhausted or killed. */
export class CursorRegistry {
  private readonly cursors = new Map<bigint, OpenCursor>();

  /** Serves the first batch; keeps a cursor only if results remain and the client wants more than one batch. */
  open(ns: string, results: Doc[], options: { batchSize?: number; singleBatch?: boolean } = {}): CursorBatch {
    const pending = [...results];
    const documents = takeBatch(pending, options.batchSize ?? DEFAULT_FIRST_BATCH_SIZE);
    if (pending.length === 0 || options.singleBatch) return { id: Long.ZERO, ns, documents };
    const id = this.newId();
    this.cursors.set(id, { ns, pending, lastUsed: Date.now() });
    return { id: Long.fromBigInt(id), ns, documents };
  }

  /** getMore: the next batch of a cursor of `ns`, or CursorNotFound. */
  next(id: Long, ns: string, batchSize: number | undefined): CursorBatch {
    const key = id.toBigInt();
    const cursor = this.cursors.get(key);
    if (!cursor) throw new CommandError('CursorNotFound', `cursor id ${id.toString()} not found`);
    if (cursor.ns !== ns) {
      throw new CommandError(
        'Unauthorized',
        `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`,
      );
    }
    cursor.lastUsed = Date.now();
    const documents = takeBatch(cursor.pending, batchSize || Infinity);
    if (cursor.pending.length > 0) return { id, ns, documents };
    this.cursors.delete(key);
    return { id: Long.ZERO, ns, documents };
  }

  /** killCursors: which of the ids existed and are now gone. */
  kill(ids: Long[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) (this.cursors.delete(id.toBigInt()) ? killed : notFound).push(id);
    return { killed, notFound };
  }

  /** Dropping a collection or database kills its cursors, as on mongod. */
  killNamespace(ns: string): void {
    for (const [id, cursor] of this.cursors) if (cursor.ns === ns) this.cursors.delete(id);
  }

  killDatabase(db: string): void {
    for (const [id, cursor] of this.cursors) if (cursor.ns.startsWith(`${db}.`)) this.cursors.delete(id);
  }

  reapIdle(nowMs: number): void {
    for (const [id, cursor] of this.cursors) {
      if (nowMs - cursor.lastUsed > CURSOR_IDLE_TIMEOUT_MS) this.cursors.delete(id);
    }
  }

  clear(): void {
    this.cursors.clear();
  }

  /** A positive random int64, never 0 (which means "no cursor") and never reused while open. */
  private newId(): bigint {
    for (;;) {
      const id = randomBytes(8).readBigInt64LE() & 0x7fff_ffff_ffff_ffffn;
      if (id !== 0n && !this.cursors.has(id)) return id;
    }
  }
}

/** Removes and returns up to `count` documents, stopping before the batch would outgrow a BSON document. */
function takeBatch(pending: Doc[], count: number): Doc[] {
  let size = 0;
  let taken = 0;
  while (taken < pending.length && taken < count) {
    size += BSON.calculateObjectSize(pending[taken]);
    if (taken > 0 && size > MAX_BSON_OBJECT_SIZE) break;
    taken += 1;
  }
  return pending.splice(0, taken);
}
