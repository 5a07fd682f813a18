import {
  createHash,
  createPublicKey,
  createSign,
  createVerify,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';

// OpenID Connect id_tokens. They are correctly shaped RS256 JWTs with Google's issuer and claims, but signed
// with the emulator's own key (NOT Google's): they verify only against the emulator's certs endpoints
// (`/oauth2/v1/certs` PEM, `/oauth2/v3/certs` JWK), e.g. OAuth2Client.verifyIdToken with
// `endpoints.oauth2FederatedSignonPemCertsUrl` pointed there.

interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicPem: string;
  readonly jwk: Record<string, unknown>;
}

let signingKey: SigningKey | undefined;

/** Created on first use and shared by every emulator of the process (RSA key generation takes tens of ms). */
function key(): SigningKey {
  if (!signingKey) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = publicKey.export({ type: 'spki', format: 'der' });
    const kid = createHash('sha256').update(der).digest('hex').slice(0, 40);
    signingKey = {
      kid,
      privateKey,
      publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      jwk: { ...createPublicKey(privateKey).export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
    };
  }
  return signingKey;
}

export interface IdTokenClaims {
  readonly clientId: string;
  readonly userId: string;
  readonly email?: string;
  readonly name?: string;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly picture?: string;
  readonly accessToken: string;
  /** Seconds since the epoch. */
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export function signIdToken(claims: IdTokenClaims): string {
  const { kid, privateKey } = key();
  const payload = {
    iss: 'https://accounts.google.com',
    azp: claims.clientId,
    aud: claims.clientId,
    sub: claims.userId,
    ...(claims.email ? { email: claims.email, email_verified: true } : {}),
    at_hash: atHash(claims.accessToken),
    ...(claims.name
      ? {
          name: claims.name,
          picture: claims.picture,
          given_name: claims.givenName,
          family_name: claims.familyName,
        }
      : {}),
    iat: claims.issuedAt,
    exp: claims.expiresAt,
  };
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = `${encode({ alg: 'RS256', kid, typ: 'JWT' })}.${encode(payload)}`;
  const signature = createSign('RSA-SHA256').update(signed).sign(privateKey).toString('base64url');
  return `${signed}.${signature}`;
}

/** The claims of an id_token this process signed (for tokeninfo?id_token=), or null. Expiry is the caller's. */
export function verifiedIdTokenClaims(token: string): Record<string, unknown> | null {
  const [header, payload, signature] = token.split('.');
  // No key yet means no id_token was ever signed here.
  if (!header || !payload || !signature || !signingKey) return null;
  const signed = `${header}.${payload}`;
  const valid = createVerify('RSA-SHA256')
    .update(signed)
    .verify(signingKey.publicPem, Buffer.from(signature, 'base64url'));
  if (!valid) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** `/oauth2/v1/certs`: kid -> PEM public key (google-auth-library's verifyIdToken reads this one). */
export function pemCerts(): Record<string, string> {
  const { kid, publicPem } = key();
  return { [kid]: publicPem };
}

/** `/oauth2/v3/certs`: a JWK set. */
export function jwkCerts(): { keys: Array<Record<string, unknown>> } {
  return { keys: [key().jwk] };
}

/** OIDC at_hash: base64url of the left half of sha256(access_token). */
function atHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
}
