import { OAuth2Client, type Credentials } from 'google-auth-library';
import { gmail_v1 } from 'googleapis/build/src/apis/gmail';
import type { GoogleConfig } from '../src/config';

// The baselines: an application calling Gmail itself with googleapis and an access token it holds in memory,
// no gateway in between. The same request the gateway makes (format=metadata, Subject/From/To headers).

export const METADATA_HEADERS = ['Subject', 'From', 'To'];
export const PAGE_SIZE = 20;

export interface DirectMessage {
  readonly id: string;
  readonly threadId: string;
  readonly subject: string | null;
  readonly from: string | null;
  readonly date: string | null;
  readonly snippet: string | null;
}

export interface DirectPage {
  readonly messages: readonly DirectMessage[];
  readonly nextPageToken: string | null;
}

/** An OAuth2Client for the benchmark's OAuth app, pointed at the emulator. Created once per baseline user. */
export function oauthClient(google: GoogleConfig): OAuth2Client {
  return new OAuth2Client({
    clientId: google.clientId,
    clientSecret: google.clientSecret,
    redirectUri: google.redirectUri,
    endpoints: {
      oauth2AuthBaseUrl: google.authUrl,
      oauth2TokenUrl: google.tokenUrl,
      oauth2RevokeUrl: google.revokeUrl,
    },
  });
}

/** A Gmail client holding the user's tokens in memory. */
export function gmailWithTokens(google: GoogleConfig, tokens: Credentials): gmail_v1.Gmail {
  const auth = oauthClient(google);
  auth.setCredentials(tokens);
  return new gmail_v1.Gmail({
    auth,
    ...(google.apiRootUrl === undefined ? {} : { rootUrl: google.apiRootUrl }),
  });
}

/**
 * The baseline's own consent (offline access) in the emulator's auto-consent mode, then the code exchange:
 * the tokens an application would keep in memory.
 */
export async function grantTokens(google: GoogleConfig, email: string): Promise<Credentials> {
  const client = oauthClient(google);
  const url = client.generateAuthUrl({
    access_type: 'offline',
    prompt: 'consent',
    scope: [...google.scopes],
    login_hint: email,
  });
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  const code = location === null ? null : new URL(location).searchParams.get('code');
  if (code === null) throw new Error(`the emulator did not consent for ${email} (status ${response.status})`);
  const { tokens } = await client.getToken(code);
  return tokens;
}

/** The fastest plain way: list, then every get at once. */
export async function fetchPageParallel(
  gmail: gmail_v1.Gmail,
  pageToken: string | null,
): Promise<DirectPage> {
  const list = await listPage(gmail, pageToken);
  const messages = await Promise.all((list.data.messages ?? []).map((ref) => getMessage(gmail, ref.id!)));
  return { messages, nextPageToken: list.data.nextPageToken ?? null };
}

/** Google's guides: list, then one get after another. */
export async function fetchPageSequential(
  gmail: gmail_v1.Gmail,
  pageToken: string | null,
): Promise<DirectPage> {
  const list = await listPage(gmail, pageToken);
  const messages: DirectMessage[] = [];
  for (const ref of list.data.messages ?? []) messages.push(await getMessage(gmail, ref.id!));
  return { messages, nextPageToken: list.data.nextPageToken ?? null };
}

function listPage(gmail: gmail_v1.Gmail, pageToken: string | null) {
  return gmail.users.messages.list({
    userId: 'me',
    maxResults: PAGE_SIZE,
    ...(pageToken === null ? {} : { pageToken }),
  });
}

async function getMessage(gmail: gmail_v1.Gmail, id: string): Promise<DirectMessage> {
  const { data } = await gmail.users.messages.get({
    userId: 'me',
    id,
    format: 'metadata',
    metadataHeaders: METADATA_HEADERS,
  });
  const header = (name: string): string | null =>
    data.payload?.headers?.find((h) => h.name?.toLowerCase() === name.toLowerCase())?.value ?? null;
  return {
    id,
    threadId: data.threadId ?? id,
    subject: header('Subject'),
    from: header('From'),
    date: data.internalDate ? new Date(Number(data.internalDate)).toISOString() : null,
    snippet: data.snippet ?? null,
  };
}

/** A message view the plain way: `messages.get format=full`, the MIME tree as Gmail's JSON, nothing decoded. */
export async function fetchFullMessage(gmail: gmail_v1.Gmail, id: string): Promise<void> {
  const { data } = await gmail.users.messages.get({ userId: 'me', id, format: 'full' });
  if (data.payload?.mimeType === undefined || data.payload.mimeType === null) {
    throw new Error(`the direct baseline got message ${id} without a MIME tree`);
  }
}
