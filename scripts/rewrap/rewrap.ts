import type { GatewayConfig } from '../../src/config';
import type { RewrapReport } from '../../src/credentials/credential.repository';
import { MongoCredentialRepository } from '../../src/credentials/mongo-credential.repository';
import { TokenCipher } from '../../src/credentials/token-cipher';
import { connectMongoDB } from '../../src/mongodb';

/**
 * Re-encrypts every stored token under the first key of TOKEN_ENCRYPTION_KEYS, with the gateway's own
 * configuration (same MONGODB_URI, MONGODB_DB, TOKEN_ENCRYPTION_KEYS). Idempotent: a second run finds nothing to
 * do. Safe while gateways run: each document is rewritten only if it still holds the values that were read.
 */
export async function rewrapStoredTokens(config: GatewayConfig): Promise<RewrapReport> {
  if (config.mongodbUri === null || config.tokenEncryptionKeys === null) {
    throw new Error('npm run rewrap needs MONGODB_URI and TOKEN_ENCRYPTION_KEYS, as the gateway has them');
  }
  const client = await connectMongoDB(config.mongodbUri);
  try {
    const credentials = new MongoCredentialRepository(
      client.db(config.mongodbDb),
      new TokenCipher(config.tokenEncryptionKeys),
    );
    return await credentials.rewrap();
  } finally {
    await client.close();
  }
}
