import { createHash } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { TokenDecryptionError, type EncryptedValue, type TokenCipher } from '../credentials/token-cipher';
import type {
  PendingAuthorization,
  AuthorizationRequestRepository,
} from './authorization-request.repository';

export interface MongoAuthorizationRequestRepositoryOptions {
  /** Collection of pending requests, e.g. `authorizationRequests` (the default). */
  readonly collectionName?: string;
  /** The clock for expiry checks; tests inject one. */
  readonly now?: () => Date;
}

interface AuthorizationRequestDocument {
  /** SHA-256 of the state, hex: the state is a bearer secret until it is used, so it is not stored. */
  _id: string;
  /** The PKCE verifier, encrypted and bound to `_id`. */
  codeVerifier: EncryptedValue;
  loginHint: string | null;
  /** The TTL index removes the document some time after this; `consume` checks it itself. */
  expiresAt: Date;
  createdAt: Date;
}

/** MongoDB implementation of {@link AuthorizationRequestRepository}; created once per process. */
export class MongoAuthorizationRequestRepository implements AuthorizationRequestRepository {
  private readonly collection: Collection<AuthorizationRequestDocument>;
  private readonly now: () => Date;

  constructor(
    db: Db,
    private readonly cipher: TokenCipher,
    options: MongoAuthorizationRequestRepositoryOptions = {},
  ) {
    this.collection = db.collection<AuthorizationRequestDocument>(
      options.collectionName ?? 'authorizationRequests',
    );
    this.now = options.now ?? (() => new Date());
  }

  async ensureIndexes(): Promise<void> {
    // The state hash is `_id`, unique by construction.
    await this.collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  }

  async save(request: PendingAuthorization): Promise<void> {
    const id = hashState(request.state);
    await this.collection.insertOne({
      _id: id,
      codeVerifier: this.cipher.encrypt(request.codeVerifier, associatedData(id)),
      loginHint: request.loginHint,
      expiresAt: request.expiresAt,
      createdAt: this.now(),
    });
  }

  /** One find-and-delete: of any number of concurrent calls with one state, exactly one gets the request. */
  async consume(state: string): Promise<PendingAuthorization | null> {
    const document = await this.collection.findOneAndDelete({ _id: hashState(state) });
    if (document === null || document.expiresAt.getTime() <= this.now().getTime()) return null;
    try {
      const codeVerifier = this.cipher.decrypt(document.codeVerifier, associatedData(document._id));
      return { state, codeVerifier, loginHint: document.loginHint, expiresAt: document.expiresAt };
    } catch (error) {
      // Written under a key that is gone, or tampered with: unusable, and already deleted; the user starts again.
      if (error instanceof TokenDecryptionError) return null;
      throw error;
    }
  }
}

function hashState(state: string): string {
  return createHash('sha256').update(state, 'utf8').digest('hex');
}

/** The state's hash, with the purpose in front so a verifier's ciphertext is valid nowhere else. */
function associatedData(stateHash: string): string {
  return `authorizationRequest.codeVerifier:${stateHash}`;
}
