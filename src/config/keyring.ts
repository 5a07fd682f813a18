// TOKEN_ENCRYPTION_KEYS's format, parsed from a string: the environment's value (config.ts) or the keyring local
// mode keeps in its data folder (dev/local-mode.ts).

import { ConfigError } from './config-error';
import type { EncryptionKey } from './gateway-config';

/**
 * Parses a keyring in TOKEN_ENCRYPTION_KEYS's format (e.g. the one local mode keeps in its data folder);
 * throws {@link ConfigError} naming what is wrong, never the key material.
 */
export function parseEncryptionKeys(raw: string): EncryptionKey[] {
  const problems: string[] = [];
  const keys = parseKeyring(raw.trim(), problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return keys;
}

/**
 * Parses `kid:base64key[,kid:base64key…]`. The first key encrypts; every key decrypts, which is how a key is
 * rotated: put the new one first, keep the old ones until nothing written under them is left.
 * Never echoes key material into a problem message.
 */
export function parseKeyring(raw: string, problems: string[]): EncryptionKey[] {
  const keys: EncryptionKey[] = [];
  for (const [index, entry] of raw.split(',').entries()) {
    const separator = entry.indexOf(':');
    const id = entry.slice(0, separator).trim();
    const material = entry.slice(separator + 1).trim();
    const key = Buffer.from(material, 'base64');
    if (separator <= 0 || !/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
      problems.push(`TOKEN_ENCRYPTION_KEYS entry ${index + 1} must look like kid:base64key`);
    } else if (
      key.length !== 32 ||
      key.toString('base64').replace(/=+$/, '') !== material.replace(/=+$/, '')
    ) {
      problems.push(`TOKEN_ENCRYPTION_KEYS key "${id}" must be 32 bytes of base64 (openssl rand -base64 32)`);
    } else if (keys.some((k) => k.id === id)) {
      problems.push(`TOKEN_ENCRYPTION_KEYS key id "${id}" appears twice`);
    } else {
      keys.push({ id, key });
    }
  }
  return keys;
}
