import { ErrorCode, GatewayError } from '../../src/errors';
import type { GoogleErrorKind } from '../../src/upstream/google-errors';
import type { OperatorFault } from '../../src/upstream/google-errors';
import { upstreamError, type GoogleCall, type GoogleRefusal } from '../../src/upstream/upstream-error';

function gmailCall(): GoogleCall & {
  refusals: GoogleRefusal[];
  reported: Array<[OperatorFault, string | undefined]>;
} {
  const refusals: GoogleRefusal[] = [];
  const reported: Array<[OperatorFault, string | undefined]> = [];
  return {
    refusals,
    reported,
    operatorFaults: { report: (fault, service) => reported.push([fault, service]) },
    upstream: 'Gmail',
    retryAfterFallbackSeconds: 8,
    unexplainedIsUnavailable: false,
    refused: (refusal) => {
      refusals.push(refusal);
      return Promise.resolve(new GatewayError(ErrorCode.CREDENTIALS_REVOKED, 'consent again'));
    },
  };
}

describe('upstreamError', () => {
  it.each<GoogleRefusal>([
    { kind: 'invalidGrant' },
    { kind: 'insufficientScope' },
    { kind: 'mailNotEnabled' },
    { kind: 'client', status: 400 },
  ])('asks the call what the refusal $kind means', async (kind) => {
    const call = gmailCall();
    const error = await upstreamError(kind, call);
    expect(error?.code).toBe(ErrorCode.CREDENTIALS_REVOKED);
    expect(call.refusals).toEqual([kind]);
  });

  it('answers UPSTREAM_UNAVAILABLE for a 401 that outlived the refresh, without asking the call', async () => {
    const call = gmailCall();
    const error = await upstreamError({ kind: 'unauthorized' }, call);
    expect(error?.code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
    expect(call.refusals).toEqual([]);
  });

  it.each<OperatorFault>(['invalid_client', 'unauthorized_client', 'deleted_client', 'accessNotConfigured'])(
    'answers UPSTREAM_UNAVAILABLE for the operator fault %s, reports it once and asks the call nothing',
    async (fault) => {
      const call = gmailCall();
      const error = await upstreamError({ kind: 'operatorFault', fault }, call);
      expect(error?.code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
      expect(error?.message).toBe('Gmail is unavailable right now; try again shortly.');
      expect(call.reported).toEqual([[fault, undefined]]);
      expect(call.refusals).toEqual([]);
    },
  );

  it('answers RATE_LIMITED with Google’s Retry-After, or the call’s fallback', async () => {
    const limited = await upstreamError(
      { kind: 'rateLimited', retryAfterSeconds: 3, retryAt: null },
      gmailCall(),
    );
    expect(limited?.extensions).toEqual({ code: ErrorCode.RATE_LIMITED, retryAfterSeconds: 3 });
    const fallback = await upstreamError(
      { kind: 'rateLimited', retryAfterSeconds: null, retryAt: null },
      gmailCall(),
    );
    expect(fallback?.extensions).toEqual({ code: ErrorCode.RATE_LIMITED, retryAfterSeconds: 8 });
  });

  it('answers UPSTREAM_UNAVAILABLE for a rate limit when the call has no RATE_LIMITED of its own', async () => {
    const { retryAfterFallbackSeconds: _none, ...signIn } = gmailCall();
    const error = await upstreamError(
      { kind: 'rateLimited', retryAfterSeconds: 3, retryAt: null },
      { ...signIn, upstream: 'Google' },
    );
    expect(error?.code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
    expect(error?.message).toBe('Google is unavailable right now; try again shortly.');
  });

  it('names the upstream when it is unavailable', async () => {
    const error = await upstreamError({ kind: 'unavailable', retryAfterSeconds: null }, gmailCall());
    expect(error?.code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
    expect(error?.message).toBe('Gmail is unavailable right now; try again shortly.');
  });

  it.each<GoogleErrorKind>([{ kind: 'notFound' }, { kind: 'unknown' }])(
    'leaves $kind to the caller, or calls it unavailable when the call says so',
    async (kind) => {
      const call = gmailCall();
      expect(await upstreamError(kind, call)).toBeNull();
      const unavailable = await upstreamError(kind, { ...call, unexplainedIsUnavailable: true });
      expect(unavailable?.code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
      expect(call.refusals).toEqual([]);
    },
  );
});
