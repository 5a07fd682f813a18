// The stored form of a credential, and how its tokens are sealed into it and opened out of it. Every token is
// encrypted with the user id and field name as associated data, so a ciphertext moved to another user's
// document, or from one field to the other, fails to decrypt.

import type { Filter } from 'mongodb';
import type { Credential, CredentialStatus, ReauthorizationReason } from './credential.repository';
import {
  TokenDecryptionError,
  type EncryptedValue,
  type TokenCipher,
  type TokenDecryptionFailure,
} from './token-cipher';

export type TokenField = 'refreshToken' | 'accessToken';

export const TOKEN_FIELDS: readonly TokenField[] = ['refreshToken', 'accessToken'];

/** A value that failed authentication under a configured key, kept (not deleted) for an operator. */
export interface QuarantinedValue {
  value: EncryptedValue;
  reason: Exclude<TokenDecryptionFailure, 'UNKNOWN_KEY'>;
  keyId: string | null;
  quarantinedAt: Date;
}

/** The stored form. Tokens are absent (not null) when there is none. */
export interface CredentialDocument {
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

/** A stored token opened: its plaintext (null when none is stored), or why it could not be. */
export type Opened =
  | { readonly ok: true; readonly value: string | null }
  | { readonly ok: false; readonly error: TokenDecryptionError };

export function sealToken(
  cipher: TokenCipher,
  userId: string,
  field: TokenField,
  token: string,
): EncryptedValue {
  return cipher.encrypt(token, associatedData(userId, field));
}

/** Never throws a decryption failure: it comes back as `{ok: false}` for the caller to decide on. */
export function openToken(cipher: TokenCipher, document: CredentialDocument, field: TokenField): Opened {
  const value = document[field];
  if (value === undefined || value === null) return { ok: true, value: null };
  try {
    return { ok: true, value: cipher.decrypt(value, associatedData(document._id, field)) };
  } catch (error) {
    if (error instanceof TokenDecryptionError) return { ok: false, error };
    throw error;
  }
}

/** The field name comes first and is one of two fixed words, so the encoding is unambiguous for any user id. */
function associatedData(userId: string, field: TokenField): string {
  return `credential.${field}:${userId}`;
}

/** Matches the document only while both stored ciphertexts are still the ones read: a concurrent write wins. */
export function holdsSameTokens(document: CredentialDocument): Filter<CredentialDocument> {
  return {
    _id: document._id,
    refreshToken: sameValue(document.refreshToken),
    accessToken: sameValue(document.accessToken),
  };
}

function sameValue(value: EncryptedValue | undefined): EncryptedValue | { $exists: false } {
  return value ?? { $exists: false };
}

export function toCredential(
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
