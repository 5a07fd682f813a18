// Key rotation over the stored credentials: which key ids are still in use, and re-encrypting under the current
// key. Functions over the repository's collection; MongoCredentialRepository exposes them.

import type { Collection } from 'mongodb';
import type { RewrapReport } from './credential.repository';
import {
  holdsSameTokens,
  openToken,
  sealToken,
  TOKEN_FIELDS,
  type CredentialDocument,
  type TokenField,
} from './stored-credential';
import { TokenCipher, type EncryptedValue } from './token-cipher';

/** The key id inside a stored value (`v1.<kid>.<iv>.<ciphertext>.<tag>`; key ids may contain dots). */
const KEY_ID_IN_VALUE = '^v1\\.(.+)\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*$';

/** Every key id some stored token is encrypted under, sorted; computed by the database, no value decrypted. */
export async function keyIdsInUse(collection: Collection<CredentialDocument>): Promise<string[]> {
  const groups = await collection
    .aggregate<{ _id: string | null }>([
      { $project: { values: ['$refreshToken', '$accessToken'] } },
      { $unwind: '$values' },
      { $match: { values: { $type: 'string' } } },
      {
        $group: {
          _id: {
            $arrayElemAt: [
              {
                $getField: {
                  field: 'captures',
                  input: { $regexFind: { input: '$values', regex: KEY_ID_IN_VALUE } },
                },
              },
              0,
            ],
          },
        },
      },
    ])
    .toArray();
  return groups
    .map((group) => group._id)
    .filter((id): id is string => typeof id === 'string')
    .sort();
}

/**
 * Re-encrypts every stored token not under the current key, one conditional update per document (matching the
 * values it read, so a concurrent write wins and is left alone). Values it cannot decrypt are left as they are.
 */
export async function rewrapCredentials(
  collection: Collection<CredentialDocument>,
  cipher: TokenCipher,
): Promise<RewrapReport> {
  const report = { rewrapped: 0, unreadable: 0, changedMeanwhile: 0 };
  const current = cipher.currentKeyId;
  const isCurrent = (value: EncryptedValue | undefined) =>
    value === undefined || TokenCipher.keyIdOf(value) === current;
  for await (const document of collection.find({
    $or: TOKEN_FIELDS.map((field) => ({ [field]: { $exists: true } })),
  })) {
    const set: Partial<Record<TokenField, EncryptedValue>> = {};
    for (const field of TOKEN_FIELDS) {
      if (isCurrent(document[field])) continue;
      const opened = openToken(cipher, document, field);
      if (!opened.ok || opened.value === null) {
        report.unreadable += 1;
        continue;
      }
      set[field] = sealToken(cipher, document._id, field, opened.value);
    }
    if (Object.keys(set).length === 0) continue;
    const result = await collection.updateOne(holdsSameTokens(document), { $set: set });
    if (result.modifiedCount === 1) report.rewrapped += 1;
    else report.changedMeanwhile += 1;
  }
  return report;
}
