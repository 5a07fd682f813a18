import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Opaque messages.list page tokens: where the previous page ended (a message's rank, stable under deletions),
 * bound to the user and the search they were issued for, and MACed so a tampered or foreign token is rejected
 * with Gmail's 400. One codec per emulator: its key is random, so tokens die with the emulator.
 */
export class PageTokenCodec {
  private readonly key = randomBytes(32);

  encode(scope: string, lastRank: number): string {
    const body = `${lastRank}.${this.scopeHash(scope)}`;
    return Buffer.from(`${body}.${this.mac(body)}`).toString('base64url');
  }

  /** The rank after which the next page starts, or null when the token is not one of ours for this scope. */
  decode(scope: string, token: string): number | null {
    const [rank, scopeHash, mac] = Buffer.from(token, 'base64url').toString('latin1').split('.');
    if (rank === undefined || scopeHash === undefined || mac === undefined || !/^\d{1,9}$/.test(rank)) {
      return null;
    }
    const expected = Buffer.from(this.mac(`${rank}.${scopeHash}`));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return scopeHash === this.scopeHash(scope) ? Number(rank) : null;
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url').slice(0, 16);
  }

  private scopeHash(scope: string): string {
    return createHash('sha256').update(scope).digest('base64url').slice(0, 12);
  }
}
