import type { Document, ObjectId } from 'mongodb';
import { ownServer } from '../../support/mongo-target';

/** `it` for tests that need the server's own controls; skipped against a real MongoDB, saying why. */
export function itWithOwnServer(name: string, test: jest.ProvidesCallback, timeout?: number): void {
  if (ownServer) it(name, test, timeout);
  else it.skip(`${name} [needs dev/mongo-server: skipped with MONGODB_URI]`, test, timeout);
}

/** A document of any shape whose `_id` the test chooses (the driver's default schema assumes an ObjectId). */
export type TestDoc = Document & { _id?: string | number | ObjectId };
