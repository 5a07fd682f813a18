import {
  MongoServerError,
  type Collection,
  type Db,
  type Filter,
  type MatchKeysAndValues,
  type UpdateFilter,
} from 'mongodb';
import type {
  ConsentGrant,
  Credential,
  CredentialRepository,
  CredentialStatus,
  ReauthorizationReason,
  TokenRefresh,
} from './credential.repository';
import { TokenDecryptionError, type EncryptedValue, type TokenCipher } from './token-cipher';

export interface MongoCredentialRepositoryOptions {
  /** Collection holding one document per Google user, e.g. `credentials` (the default). */
  readonly collectionName?: string;
  /** The clock for `createdAt` / `updatedAt`; tests inject one. */
  readonly now?: () => Date;
}

/** The stored form. Tokens are absent (not null) when there is none. */
interface CredentialDocument {
  /** Google's user id (`sub`). */
  _id: string;
  email: string;
  /** `email` lower-cased: the indexed key of the case-insensitive lookup. */
  emailLower: string;
  refreshToken?: EncryptedValue;
  accessToken?: EncryptedValue;
  accessTokenExpiresAt: Date | null;
  scopes: string[];
  status: CredentialStatus;
  statusReason: ReauthorizationReason | null;
  tokensIssuedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

type TokenField = 'refreshToken' | 'accessToken';

const DUPLICATE_KEY = 11000;

/**
 * MongoDB implementation of {@link CredentialRepository}; created once per process. Every token is encrypted
 * with the user id and field name as associated data, so a ciphertext moved to another user's document, or
 * from one field to the other, fails to decrypt (and the credential is then marked DECRYPTION_FAILED).
 *
 * Newest tokens win: every token write is conditional on the stored `tokensIssuedAt` being older or equal,
 * so no ordering of concurrent consents and refreshes leaves older tokens over newer ones.
 */
export class MongoCredentialRepository implements CredentialRepository {
  private readonly collection: Collection<CredentialDocument>;
  private readonly now: () => Date;

  constructor(
    db: Db,
    private readonly cipher: TokenCipher,
    options: MongoCredentialRepositoryOptions = {},
  ) {
    this.collection = db.collection<CredentialDocument>(options.collectionName ?? 'credentials');
    this.now = options.now ?? (() => new Date());
  }

  async ensureIndexes(): Promise<void> {
    // Not unique: an address can move from one Google account to another; the newest document wins a lookup.
    await this.collection.createIndex({ emailLower: 1 });
  }

  async findById(userId: string): Promise<Credential | null> {
    const document = await this.collection.findOne({ _id: userId });
    return document === null ? null : this.decode(document);
  }

  async findByEmail(email: string): Promise<Credential | null> {
    const document = await this.collection
      .find({ emailLower: email.toLowerCase() })
      .sort({ updatedAt: -1 })
      .limit(1)
      .next();
    return document === null ? null : this.decode(document);
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
        if (document !== null) return await this.decode(document);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        duplicate = error;
      }
      const stored = await this.collection.findOne({ _id: userId });
      if (stored !== null && stored.tokensIssuedAt.getTime() > issuedAt.getTime()) return this.decode(stored);
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

  /**
   * Decrypts a stored document. This must not throw for a value that fails to decrypt: the credential is marked
   * DECRYPTION_FAILED (both tokens dropped, since a document that fails authentication is not trusted) and
   * returned so. The mark is conditional on the failing ciphertexts still being the stored ones, so it never
   * wipes tokens a concurrent consent has just written; when they changed, the document is read again, once.
   */
  private async decode(document: CredentialDocument, rereads = 1): Promise<Credential> {
    try {
      return toCredential(document, {
        refreshToken: this.open(document, 'refreshToken'),
        accessToken: this.open(document, 'accessToken'),
      });
    } catch (error) {
      if (!(error instanceof TokenDecryptionError)) throw error;
    }
    const marked = await this.collection.findOneAndUpdate(
      {
        _id: document._id,
        refreshToken: sameValue(document.refreshToken),
        accessToken: sameValue(document.accessToken),
      },
      this.needsReauthorization('DECRYPTION_FAILED'),
      { returnDocument: 'after' },
    );
    if (marked !== null) return toCredential(marked, { refreshToken: null, accessToken: null });
    const current = rereads > 0 ? await this.collection.findOne({ _id: document._id }) : null;
    if (current !== null) return this.decode(current, rereads - 1);
    // Deleted meanwhile, or changed twice under us: answer for what was read, without tokens.
    return toCredential(
      {
        ...document,
        status: 'NEEDS_REAUTHORIZATION',
        statusReason: 'DECRYPTION_FAILED',
        accessTokenExpiresAt: null,
      },
      { refreshToken: null, accessToken: null },
    );
  }

  private seal(userId: string, field: TokenField, token: string): EncryptedValue {
    return this.cipher.encrypt(token, associatedData(userId, field));
  }

  private open(document: CredentialDocument, field: TokenField): string | null {
    const value = document[field];
    return value === undefined || value === null
      ? null
      : this.cipher.decrypt(value, associatedData(document._id, field));
  }
}

/** The field name comes first and is one of two fixed words, so the encoding is unambiguous for any user id. */
function associatedData(userId: string, field: TokenField): string {
  return `credential.${field}:${userId}`;
}

function holdsTokensNotNewerThan(issuedAt: Date): Filter<CredentialDocument> {
  return { $or: [{ tokensIssuedAt: { $lte: issuedAt } }, { tokensIssuedAt: { $exists: false } }] };
}

function sameValue(value: EncryptedValue | undefined): EncryptedValue | { $exists: false } {
  return value ?? { $exists: false };
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

function toCredential(
  document: CredentialDocument,
  tokens: { refreshToken: string | null; accessToken: string | null },
): Credential {
  return {
    userId: document._id,
    email: document.email,
    refreshToken: tokens.refreshToken,
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: tokens.accessToken === null ? null : document.accessTokenExpiresAt,
    scopes: document.scopes,
    status: document.status,
    statusReason: document.statusReason,
    tokensIssuedAt: document.tokensIssuedAt,
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
  };
}
