import {
  MongoServerError,
  type Collection,
  type Db,
  type Filter,
  type MatchKeysAndValues,
  type UpdateFilter,
} from 'mongodb';
import type { Logger } from '../logger';
import { CredentialDecoder } from './credential-decoder';
import { keyIdsInUse, rewrapCredentials } from './credential-keys';
import type {
  ConsentGrant,
  Credential,
  CredentialRepository,
  ReauthorizationReason,
  RewrapReport,
  TokenRefresh,
} from './credential.repository';
import { sealToken, type CredentialDocument, type TokenField } from './stored-credential';
import type { EncryptedValue, TokenCipher } from './token-cipher';

export interface MongoCredentialRepositoryOptions {
  /** Collection holding one document per Google user, e.g. `credentials` (the default). */
  readonly collectionName?: string;
  /** The clock for `createdAt` / `updatedAt`; tests inject one. */
  readonly now?: () => Date;
  /** Where a value under an unknown key or a quarantined value is reported; silent when absent. */
  readonly logger?: Logger;
}

const DUPLICATE_KEY = 11000;

/**
 * MongoDB implementation of {@link CredentialRepository}; created once per process. Every token is encrypted
 * with the user id and field name as associated data, so a ciphertext moved to another user's document, or
 * from one field to the other, fails to decrypt (and is then quarantined, see CredentialDecoder.decode).
 *
 * A read never destroys a grant: a value under a key id this keyring lacks fails the read and writes nothing
 * (another instance, or the next deployment, may hold that key); a value that fails authentication under a
 * known key is moved aside into `quarantined`, where an operator can still recover it.
 *
 * Newest tokens win: every token write is conditional on the stored `tokensIssuedAt` being older or equal,
 * so no ordering of concurrent consents and refreshes leaves older tokens over newer ones.
 */
export class MongoCredentialRepository implements CredentialRepository {
  private readonly collection: Collection<CredentialDocument>;
  private readonly now: () => Date;
  private readonly decoder: CredentialDecoder;

  constructor(
    db: Db,
    private readonly cipher: TokenCipher,
    options: MongoCredentialRepositoryOptions = {},
  ) {
    this.collection = db.collection<CredentialDocument>(options.collectionName ?? 'credentials');
    this.now = options.now ?? (() => new Date());
    this.decoder = new CredentialDecoder(this.collection, cipher, this.now, options.logger);
  }

  async ensureIndexes(): Promise<void> {
    // Not unique: an address can move from one Google account to another; the newest document wins a lookup.
    await this.collection.createIndex({ emailLower: 1 });
  }

  async findById(userId: string): Promise<Credential | null> {
    const document = await this.collection.findOne({ _id: userId });
    return document === null ? null : this.decoder.decode(document);
  }

  async findByEmail(email: string): Promise<Credential | null> {
    const document = await this.collection
      .find({ emailLower: email.toLowerCase() })
      .sort({ updatedAt: -1 })
      .limit(1)
      .next();
    return document === null ? null : this.decoder.decode(document);
  }

  /**
   * One conditional upsert: `{_id, tokensIssuedAt <= issuedAt or absent}`. When a document with that id exists
   * but holds newer tokens, the filter does not match it and the upsert's insert fails with E11000: the stored
   * credential is newer in every respect (tokens, and the scopes and status that came with them), so this stale
   * consent writes nothing and the stored credential is returned. An E11000 with older or equal stored tokens
   * can only come from a concurrent first insert winning the race; the upsert is then retried once, and now
   * matches.
   */
  async saveConsent(grant: ConsentGrant): Promise<Credential> {
    const now = this.now();
    const { userId, issuedAt } = grant;
    const set: MatchKeysAndValues<CredentialDocument> = {
      email: grant.email,
      emailLower: grant.email.toLowerCase(),
      scopes: [...grant.scopes],
      status: 'ACTIVE',
      statusReason: null,
      accessToken: this.seal(userId, 'accessToken', grant.accessToken),
      accessTokenExpiresAt: grant.accessTokenExpiresAt,
      tokensIssuedAt: issuedAt,
      updatedAt: now,
      // Google sends a refresh token only from the consent screen: a returning user keeps the stored one.
      ...(grant.refreshToken === null
        ? {}
        : { refreshToken: this.seal(userId, 'refreshToken', grant.refreshToken) }),
    };

    let duplicate: unknown;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const document = await this.collection.findOneAndUpdate(
          { _id: userId, ...holdsTokensNotNewerThan(issuedAt) },
          { $set: set, $setOnInsert: { createdAt: now } },
          { upsert: true, returnDocument: 'after' },
        );
        if (document !== null) return await this.decoder.decode(document);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        duplicate = error;
      }
      const stored = await this.collection.findOne({ _id: userId });
      if (stored !== null && stored.tokensIssuedAt.getTime() > issuedAt.getTime())
        return this.decoder.decode(stored);
    }
    throw duplicate;
  }

  async updateTokens(userId: string, refresh: TokenRefresh): Promise<void> {
    const rotated = refresh.refreshToken ?? null;
    await this.collection.updateOne(
      // A refresh that lands after a revocation, a disconnect or a newer consent matches nothing.
      { _id: userId, status: 'ACTIVE', ...holdsTokensNotNewerThan(refresh.issuedAt) },
      {
        $set: {
          accessToken: this.seal(userId, 'accessToken', refresh.accessToken),
          accessTokenExpiresAt: refresh.accessTokenExpiresAt,
          tokensIssuedAt: refresh.issuedAt,
          updatedAt: this.now(),
          ...(rotated === null || rotated === ''
            ? {}
            : { refreshToken: this.seal(userId, 'refreshToken', rotated) }),
        },
      },
    );
  }

  async markNeedsReauthorization(
    userId: string,
    reason: ReauthorizationReason,
    failedTokensIssuedAt?: Date,
  ): Promise<boolean> {
    const filter =
      failedTokensIssuedAt === undefined
        ? { _id: userId }
        : { _id: userId, tokensIssuedAt: { $lte: failedTokensIssuedAt } };
    const result = await this.collection.updateOne(filter, this.needsReauthorization(reason));
    return result.modifiedCount === 1;
  }

  async delete(userId: string): Promise<boolean> {
    const result = await this.collection.deleteOne({ _id: userId });
    return result.deletedCount === 1;
  }

  /** The update that marks a credential: the access token always goes; the refresh token when it is dead. */
  private needsReauthorization(reason: ReauthorizationReason): UpdateFilter<CredentialDocument> {
    const refreshTokenIsDead = reason === 'REFRESH_TOKEN_REVOKED' || reason === 'DECRYPTION_FAILED';
    return {
      $set: {
        status: 'NEEDS_REAUTHORIZATION',
        statusReason: reason,
        accessTokenExpiresAt: null,
        updatedAt: this.now(),
      },
      $unset: refreshTokenIsDead ? { accessToken: '', refreshToken: '' } : { accessToken: '' },
    };
  }

  keyIdsInUse(): Promise<string[]> {
    return keyIdsInUse(this.collection);
  }

  /** See rewrapCredentials: one conditional update per document, values it cannot decrypt left alone. */
  rewrap(): Promise<RewrapReport> {
    return rewrapCredentials(this.collection, this.cipher);
  }

  private seal(userId: string, field: TokenField, token: string): EncryptedValue {
    return sealToken(this.cipher, userId, field, token);
  }
}

function holdsTokensNotNewerThan(issuedAt: Date): Filter<CredentialDocument> {
  return { $or: [{ tokensIssuedAt: { $lte: issuedAt } }, { tokensIssuedAt: { $exists: false } }] };
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}
