import { classifyGoogleError, parseRetryAfter } from '../../src/upstream/google-errors';

const response = (status: number, data: unknown = {}, headers: Record<string, string> = {}) => ({
  response: { status, data, headers },
});
const gmailError = (status: number, reason: string) =>
  response(status, { error: { code: status, errors: [{ reason }] } });

describe('classifyGoogleError', () => {
  it.each([
    ['invalid_grant from the token endpoint', response(400, { error: 'invalid_grant' }), 'invalidGrant'],
    ['a 401 from Gmail', gmailError(401, 'authError'), 'unauthorized'],
    ['403 insufficientPermissions', gmailError(403, 'insufficientPermissions'), 'insufficientScope'],
    ['403 rateLimitExceeded', gmailError(403, 'rateLimitExceeded'), 'rateLimited'],
    ['403 userRateLimitExceeded', gmailError(403, 'userRateLimitExceeded'), 'rateLimited'],
    ['429', response(429), 'rateLimited'],
    ['404', gmailError(404, 'notFound'), 'notFound'],
    ['500', response(500), 'unavailable'],
    ['503', response(503), 'unavailable'],
    ['another 403', gmailError(403, 'forbidden'), 'client'],
    ['400 invalid_client', response(400, { error: 'invalid_request' }), 'client'],
    ['a refused connection', { code: 'ECONNREFUSED' }, 'unavailable'],
    [
      'fetch failing on a reset socket',
      { name: 'TypeError', message: 'fetch failed', cause: { code: 'ECONNRESET' } },
      'unavailable',
    ],
    ['a plain bug', new RangeError('oops'), 'unknown'],
    ['a non-object', 'nope', 'unknown'],
  ])('reads %s', (_name, error, kind) => {
    expect(classifyGoogleError(error).kind).toBe(kind);
  });

  it('reads Retry-After from plain and Headers-shaped headers', () => {
    expect(classifyGoogleError(response(429, {}, { 'retry-after': '7' }))).toEqual({
      kind: 'rateLimited',
      retryAfterSeconds: 7,
    });
    const headers = new Headers({ 'Retry-After': '3' });
    expect(classifyGoogleError({ response: { status: 503, headers, data: {} } })).toEqual({
      kind: 'unavailable',
      retryAfterSeconds: 3,
    });
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('1.2')).toBe(2);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
  });
});
