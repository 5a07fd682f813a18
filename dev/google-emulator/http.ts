import type { IncomingMessage } from 'node:http';

/** What a handler answers; google-emulator.ts writes it. Plain data, so latency and faults can wrap it. */
export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(body, null, 2) };
}

export function html(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      // Our pages are self-contained: inline styles, no scripts, images only from here.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:",
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
      ...headers,
    },
    body,
  };
}

export function redirect(location: string): Reply {
  return { status: 302, headers: { location, 'cache-control': 'no-store' }, body: '' };
}

/** Bodies larger than this are refused: nothing the emulator accepts comes close. */
const MAX_BODY_BYTES = 1 << 20;

export class BodyTooLargeError extends Error {
  constructor() {
    super('request body too large');
  }
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Form fields of a urlencoded or JSON body (Google's OAuth endpoints take both), as strings. A JSON body that is
 * not an object, or not JSON, gives no fields: the handler then reports the missing parameter.
 */
export function formFields(body: string, contentType: string | undefined): URLSearchParams {
  if (!contentType?.toLowerCase().includes('json')) return new URLSearchParams(body);
  const fields = new URLSearchParams();
  const parsed = parseJson(body);
  if (isRecord(parsed)) {
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        fields.set(key, String(value));
      }
    }
  }
  return fields;
}

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The bearer token of an `Authorization` header, else of an `access_token` query parameter (Google takes both). */
export function bearerToken(req: Pick<IncomingMessage, 'headers'>, query: URLSearchParams): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1] ?? query.get('access_token');
}

/** client_id and client_secret from `Authorization: Basic` (each part form-urlencoded, RFC 6749 2.3.1). */
export function basicCredentials(
  req: Pick<IncomingMessage, 'headers'>,
): { id: string; secret: string } | null {
  const match = /^Basic\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const unescape = (part: string): string => {
    try {
      return decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      return part;
    }
  };
  return { id: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
}
