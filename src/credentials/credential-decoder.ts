// Reading a stored credential back: decryption, and the quarantine of values that fail it. Created once per
// process, by MongoCredentialRepository, which it shares the collection with.

import type { Collection, UpdateFilter } from 'mongodb';
import { UpstreamUnavailableError } from '../errors';
import type { Logger } from '../logger';
import type { Credential } from './credential.repository';
import {
  holdsSameTokens,
  openToken,
  toCredential,
  TOKEN_FIELDS,
  type CredentialDocument,
  type Opened,
  type QuarantinedValue,
  type TokenField,
} from './stored-credential';
import type { TokenCipher } from './token-cipher';

/**
 * A read never destroys a grant: a value under a key id this keyring lacks fails the read and writes nothing
 * (another instance, or the next deployment, may hold that key); a value that fails authentication under a
 * known key is moved aside into `quarantined`, where an operator can still recover it.
 */
export class CredentialDecoder {
  constructor(
    private readonly collection: Collection<CredentialDocument>,
    private readonly cipher: TokenCipher,
    private readonly now: () => Date,
    private readonly logger: Logger | undefined,
  ) {}

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
  async decode(document: CredentialDocument, rereads = 1): Promise<Credential> {
    const refresh = openToken(this.cipher, document, 'refreshToken');
    const access = openToken(this.cipher, document, 'accessToken');
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
      holdsSameTokens(document),
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
}
