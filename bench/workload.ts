import type { HttpClient } from './http-client';

/** What every page measurement asks the gateway for: the first 20 messages with what a mail list shows. */
export const PAGE_QUERY = `query Page($after: String) {
  messages(first: 20, after: $after) {
    edges { node { id subject from date snippet } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const VIEWER_QUERY = '{ viewer { id } }';

export interface SignedInUser {
  readonly email: string;
  readonly userId: string;
  readonly token: string;
}

interface PageData {
  readonly messages: {
    readonly edges: ReadonlyArray<{
      readonly node: { readonly id: string; readonly subject: string | null };
    }>;
    readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
  };
}

/**
 * Signs a user in the way a frontend does: `authorizationUrl`, the browser at the consent URL (the emulator in
 * auto-consent mode redirects at once), then `exchangeCode` with the redirect's code and state and the
 * requestSecret kept since authorizationUrl.
 */
export async function signIn(gateway: HttpClient, email: string): Promise<SignedInUser> {
  const start = await gateway.graphql<{ authorizationUrl: { url: string; requestSecret: string } }>(
    'query Start($hint: String) { authorizationUrl(loginHint: $hint) { url requestSecret } }',
    { hint: email },
  );
  const started = start.body.data?.authorizationUrl;
  if (started === undefined) throw new Error(`authorizationUrl failed: ${JSON.stringify(start.body)}`);
  const { url, requestSecret } = started;
  const consent = await fetch(url, { redirect: 'manual' });
  const location = consent.headers.get('location');
  const redirect = location === null ? null : new URL(location);
  const code = redirect?.searchParams.get('code');
  const state = redirect?.searchParams.get('state');
  if (!code || !state)
    throw new Error(`consent for ${email} did not redirect with a code (${consent.status})`);
  const exchanged = await gateway.graphql<{ exchangeCode: { sessionToken: string; viewer: { id: string } } }>(
    'mutation SignIn($code: String!, $state: String!, $requestSecret: String!) { exchangeCode(code: $code, state: $state, requestSecret: $requestSecret) { sessionToken viewer { id } } }',
    { code, state, requestSecret },
  );
  const payload = exchanged.body.data?.exchangeCode;
  if (payload === undefined) throw new Error(`exchangeCode failed: ${JSON.stringify(exchanged.body)}`);
  return { email, userId: payload.viewer.id, token: payload.sessionToken };
}

/** One page from the gateway; throws unless it is a full answer with every selected field resolved. */
export async function gatewayPage(
  gateway: HttpClient,
  user: SignedInUser,
  after: string | null,
): Promise<PageData['messages']['pageInfo']> {
  const { status, body } = await gateway.graphql<PageData>(PAGE_QUERY, { after }, user.token);
  const page = body.data?.messages;
  if (status !== 200 || body.errors !== undefined || page === undefined || page.edges.length === 0) {
    throw new Error(`unexpected page answer (HTTP ${status}): ${JSON.stringify(body).slice(0, 500)}`);
  }
  if (page.edges.some((edge) => edge.node.subject === undefined))
    throw new Error('a page came back without subjects');
  return page.pageInfo;
}

/**
 * Pages no gateway process has fetched before, so none of their metadata can be cached: every worker walks a
 * mailbox of its own forward (`after: endCursor`) and takes the next unused user when it reaches the end. When
 * the planned users run out, `refill` adds and signs in a few more (a bounded number of times).
 * One instance per run; `reset()` when a new gateway process (an empty cache) takes over.
 */
export class UncachedPages {
  private readonly users: SignedInUser[];
  private readonly walkers = new Map<number, { user: SignedInUser; after: string | null }>();
  private nextUser = 0;
  private refilling: Promise<void> | undefined;
  refills = 0;
  pagesServed = 0;

  constructor(
    users: readonly SignedInUser[],
    private readonly refill: (gateway: HttpClient) => Promise<SignedInUser[]>,
    private readonly maxRefills = 20,
  ) {
    this.users = [...users];
  }

  async next(gateway: HttpClient, worker: number): Promise<void> {
    let walker = this.walkers.get(worker);
    if (walker === undefined) {
      walker = { user: await this.take(gateway), after: null };
      this.walkers.set(worker, walker);
    }
    const pageInfo = await gatewayPage(gateway, walker.user, walker.after);
    this.pagesServed++;
    if (pageInfo.hasNextPage && pageInfo.endCursor !== null) walker.after = pageInfo.endCursor;
    else this.walkers.delete(worker);
  }

  /** For a new gateway process: every mailbox is uncached again. */
  reset(): void {
    this.walkers.clear();
    this.nextUser = 0;
    this.pagesServed = 0;
  }

  private async take(gateway: HttpClient): Promise<SignedInUser> {
    while (this.nextUser >= this.users.length) {
      if (this.refilling === undefined) {
        if (this.refills >= this.maxRefills) {
          throw new Error(
            `ran out of uncached pages after ${this.refills} refills: give the run larger mailboxes`,
          );
        }
        this.refills++;
        this.refilling = this.refill(gateway)
          .then((added) => void this.users.push(...added))
          .finally(() => (this.refilling = undefined));
      }
      await this.refilling;
    }
    return this.users[this.nextUser++]!;
  }
}

/**
 * The first `pagesPerUser` pages of a few users, fetched once by `warm()` so that their metadata is cached; then
 * served round-robin. Each one still costs the gateway a session lookup, a credential read and a Gmail list call.
 */
export class CachedPages {
  private readonly pages: Array<{ user: SignedInUser; after: string | null }> = [];
  private turn = 0;

  constructor(
    private readonly users: readonly SignedInUser[],
    private readonly pagesPerUser: number,
  ) {}

  async warm(gateway: HttpClient): Promise<void> {
    this.pages.length = 0;
    for (const user of this.users) {
      let after: string | null = null;
      for (let i = 0; i < this.pagesPerUser; i++) {
        this.pages.push({ user, after });
        const pageInfo = await gatewayPage(gateway, user, after);
        if (!pageInfo.hasNextPage || pageInfo.endCursor === null) break;
        after = pageInfo.endCursor;
      }
    }
  }

  get size(): number {
    return this.pages.length;
  }

  async next(gateway: HttpClient): Promise<void> {
    const page = this.pages[this.turn++ % this.pages.length];
    if (page === undefined) throw new Error('CachedPages.warm() was not called');
    await gatewayPage(gateway, page.user, page.after);
  }
}

/** Where each direct-baseline worker is in its user's mailbox; wraps around (nothing caches on that side). */
export class DirectCursors {
  private readonly pageTokens = new Map<number, string | null>();

  constructor(private readonly userCount: number) {}

  userOf(worker: number): number {
    return worker % this.userCount;
  }

  pageTokenOf(worker: number): string | null {
    return this.pageTokens.get(worker) ?? null;
  }

  advance(worker: number, nextPageToken: string | null): void {
    this.pageTokens.set(worker, nextPageToken);
  }
}

/** One page from the direct baseline process (list, then the 20 gets at once); throws unless it is a full page. */
export async function directBaselinePage(
  direct: HttpClient,
  cursors: DirectCursors,
  worker: number,
): Promise<void> {
  const user = cursors.userOf(worker);
  const pageToken = cursors.pageTokenOf(worker);
  const { status, text } = await direct.send(
    'GET',
    `/page?user=${user}${pageToken === null ? '' : `&pageToken=${encodeURIComponent(pageToken)}`}`,
  );
  const page = JSON.parse(text) as { messages?: unknown[]; nextPageToken?: string | null };
  if (status !== 200 || page.messages === undefined || page.messages.length === 0) {
    throw new Error(`unexpected direct baseline answer (HTTP ${status}): ${text.slice(0, 300)}`);
  }
  cursors.advance(worker, page.nextPageToken ?? null);
}
