import {
  MongoServerError,
  type Collection,
  type Db,
  type Filter,
  type MatchKeysAndValues,
  type UpdateFilter,
} from 'mongodb';
import { UpstreamUnavailableError } from '../errors';
import type { Logger } from '../logger';
import type {
  ConsentGrant,
  Credential,
  CredentialRepository,
  CredentialStatus,
  ReauthorizationReason,
  RewrapReport,
  TokenRefresh,
} from './credential.repository';
import {
  TokenCipher,
  TokenDecryptionError,
  type EncryptedValue,
  type TokenDecryptionFailure,
} from './token-cipher';

export interface MongoCredentialRepositoryOptions {
  /** Collection holding one document per Google user, e.g. `credentials` (the default). */
  readonly collectionName?: string;
  /** The clock for `createdAt` / `updatedAt`; tests inject one. */
  readonly now?: () => Date;
  /** Where a value under an unknown key or a quarantined value is reported; silent when absent. */
  readonly logger?: Logger;
}

/** A value that failed authentication under a configured key, kept (not deleted) for an operator. */
interface QuarantinedValue {
  value: EncryptedValue;
  reason: Exclude<TokenDecryptionFailure, 'UNKNOWN_KEY'>;
  keyId: string | null;
  quarantinedAt: Date;
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
  /** Values moved aside by a read that could not authenticate them; never read back by the gateway. */
  quarantined?: Partial<Record<TokenField, QuarantinedValue>>;
}

type TokenField = 'refreshToken' | 'accessToken';

const DUPLICATE_KEY = 11000;
const TOKEN_FIELDS: readonly TokenField[] = ['refreshToken', 'accessToken'];
/** The key id inside a stored value (`v1.<kid>.<iv>.<ciphertext>.<tag>`; key ids may contain dots). */
const KEY_ID_IN_VALUE = '^v1\\.(.+)\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*$';

/** A stored token opened: its plaintext (null when none is stored), or why it could not be. */
type Opened =
  | { readonly ok: true; readonly value: string | null }
  | { readonly ok: false; readonly error: TokenDecryptionError };

/**
 * MongoDB implementation of {@link CredentialRepository}; created once per process. Every token is encrypted
 * with the user id and field name as associated data, so a ciphertext moved to another user's document, or
 * from one field to the other, fails to decrypt (and is then quarantined, see `decode`).
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

  constructor(
    db: Db,
    private readonly cipher: TokenCipher,
    options: MongoCredentialRepositoryOptions = {},
  ) {
    this.collection = db.collection<CredentialDocument>(options.collectionName ?? 'credentials');
    this.now = options.now ?? (() => new Date());
    this.logger = options.logger;
  }

  private readonly logger: Logger | undefined;

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
   * Decrypts a stored document, each token on its own. This must not destroy a grant:
   * - a value under a key id the keyring lacks throws UPSTREAM_UNAVAILABLE and writes nothing: the key is
   *   missing from this instance's configuration (a rotation under way, a typo), not from the world;
   * - a value that fails authentication (or is malformed) under a known key is quarantined: moved to
   *   `quarantined.<field>` with the reason. An unreadable access token alone only costs a refresh; an unreadable
   *   refresh token marks the credential NEEDS_REAUTHORIZATION (DECRYPTION_FAILED).
   * The quarantine is conditional on the failing ciphertexts still being the stored ones, so it never moves
   * tokens a concurrent consent has just written; when they changed, the document is read again, once.
   */
  private async decode(document: CredentialDocument, rereads = 1): Promise<Credential> {
    const refresh = this.open(document, 'refreshToken');
    const access = this.open(document, 'accessToken');
    for (const [field, opened] of [
      ['refreshToken', refresh],
      ['accessToken', access],
    ] as const) {
      if (!opened.ok && opened.error.reason === 'UNKNOWN_KEY') {
        // Key ids are not secret; the key and the value never appear here.
        this.logger?.error(
          { userId: document._id, field, keyId: opened.error.keyId },
          'stored credential is encrypted under a key id missing from TOKEN_ENCRYPTION_KEYS',
        );
        throw new UpstreamUnavailableError('store');
      }
    }
    if (refresh.ok && access.ok) {
      return toCredential(document, { refreshToken: refresh.value, accessToken: access.value });
    }

    const quarantined = await this.collection.findOneAndUpdate(
      {
        _id: document._id,
        refreshToken: sameValue(document.refreshToken),
        accessToken: sameValue(document.accessToken),
      },
      this.quarantine(document, { refreshToken: refresh, accessToken: access }),
      { returnDocument: 'after' },
    );
    if (quarantined !== null) {
      this.logger?.warn(
        {
          userId: document._id,
          fields: TOKEN_FIELDS.filter((field) => quarantined.quarantined?.[field]?.value === document[field]),
        },
        'stored credential tokens failed to decrypt and were quarantined',
      );
      const refreshToken = refresh.ok ? refresh.value : null;
      return toCredential(quarantined, {
        refreshToken,
        accessToken: refreshToken !== null && access.ok ? access.value : null,
      });
    }
    const current = rereads > 0 ? await this.collection.findOne({ _id: document._id }) : null;
    if (current !== null) return this.decode(current, rereads - 1);
    // Deleted meanwhile, or changed twice under us: answer for what was read, without the unreadable tokens.
    const refreshToken = refresh.ok ? refresh.value : null;
    return toCredential(
      refreshToken === null
        ? {
            ...document,
            status: 'NEEDS_REAUTHORIZATION',
            statusReason: 'DECRYPTION_FAILED',
            accessTokenExpiresAt: null,
          }
        : document,
      { refreshToken, accessToken: refreshToken !== null && access.ok ? access.value : null },
    );
  }

  /** Moves the unreadable values aside; without a readable refresh token the credential needs a new consent. */
  private quarantine(
    document: CredentialDocument,
    opened: Record<TokenField, Opened>,
  ): UpdateFilter<CredentialDocument> {
    const now = this.now();
    const set: Record<string, unknown> = { accessTokenExpiresAt: null, updatedAt: now };
    const unset: Record<string, ''> = { accessToken: '' };
    for (const field of TOKEN_FIELDS) {
      const result = opened[field];
      const value = document[field];
      if (result.ok || value === undefined) continue;
      const entry: QuarantinedValue = {
        value,
        reason: result.error.reason === 'MALFORMED' ? 'MALFORMED' : 'AUTHENTICATION_FAILED',
        keyId: result.error.keyId,
        quarantinedAt: now,
      };
      set[`quarantined.${field}`] = entry;
      unset[field] = '';
    }
    if (!opened.refreshToken.ok) {
      set['status'] = 'NEEDS_REAUTHORIZATION';
      set['statusReason'] = 'DECRYPTION_FAILED';
    }
    return { $set: set, $unset: unset };
  }

  async keyIdsInUse(): Promise<string[]> {
    const groups = await this.collection
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
  async rewrap(): Promise<RewrapReport> {
    const report = { rewrapped: 0, unreadable: 0, changedMeanwhile: 0 };
    const current = this.cipher.currentKeyId;
    const isCurrent = (value: EncryptedValue | undefined) =>
      value === undefined || TokenCipher.keyIdOf(value) === current;
    for await (const document of this.collection.find({
      $or: TOKEN_FIELDS.map((field) => ({ [field]: { $exists: true } })),
    })) {
      const set: Partial<Record<TokenField, EncryptedValue>> = {};
      for (const field of TOKEN_FIELDS) {
        if (isCurrent(document[field])) continue;
        const opened = this.open(document, field);
        if (!opened.ok || opened.value === null) {
          report.unreadable += 1;
          continue;
        }
        set[field] = this.seal(document._id, field, opened.value);
      }
      if (Object.keys(set).length === 0) continue;
      const result = await this.collection.updateOne(
        {
          _id: document._id,
          refreshToken: sameValue(document.refreshToken),
          accessToken: sameValue(document.accessToken),
        },
        { $set: set },
      );
      if (result.modifiedCount === 1) report.rewrapped += 1;
      else report.changedMeanwhile += 1;
    }
    return report;
  }

  private seal(userId: string, field: TokenField, token: string): EncryptedValue {
    return this.cipher.encrypt(token, associatedData(userId, field));
  }

  private open(document: CredentialDocument, field: TokenField): Opened {
    const value = document[field];
    if (value === undefined || value === null) return { ok: true, value: null };
    try {
      return { ok: true, value: this.cipher.decrypt(value, associatedData(document._id, field)) };
    } catch (error) {
      if (error instanceof TokenDecryptionError) return { ok: false, error };
      throw error;
    }
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
