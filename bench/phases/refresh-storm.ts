import { performance } from 'node:perf_hooks';
import type { Db } from 'mongodb';
import type { GatewayProcessApi } from '../gateway-process';
import type { HttpClient } from '../http-client';
import type { ChildProcessHandle } from '../ipc';
import type { Plan } from '../options';
import type { StandInsApi } from '../stand-ins-process';
import { gatewayPage, type SignedInUser } from '../workload';

export interface StormResult {
  readonly requests: number;
  readonly refreshes: number;
  readonly wallMs: number;
}

export interface RefreshStormResult {
  /** The stored access token has expired: the client refreshes before calling Gmail. */
  readonly expiredInStore: StormResult;
  /** Google rejects the access token the gateway holds (401): refresh once, replay. */
  readonly rejectedByGoogle: StormResult;
}

/**
 * `refreshStorm`: N concurrent page requests of one user whose access token is no longer good, counting the
 * refresh-token grants the emulator's token endpoint receives. The token endpoint answers after a fixed delay
 * (like Google's ~100-200 ms), so that every request arrives while the first refresh is still in flight.
 * Two ways a token goes bad: its stored expiry passed (the common case), or Google stopped accepting it.
 */
export async function measureRefreshStorm(options: {
  readonly plan: Plan;
  readonly standIns: ChildProcessHandle<StandInsApi>;
  readonly gatewayProcess: ChildProcessHandle<GatewayProcessApi>;
  readonly gateway: HttpClient;
  readonly db: Db;
  readonly user: SignedInUser;
}): Promise<RefreshStormResult> {
  const { plan, standIns, gatewayProcess, gateway, db, user } = options;
  // The user's first page is cached from here on, so the storm's requests are a list call each after the refresh.
  await gatewayPage(gateway, user, null);
  await standIns.call('setLatency', {
    endpoint: 'token',
    latency: { distribution: 'fixed', ms: plan.storm.tokenLatencyMs },
  });
  gateway.setMaxSockets(plan.storm.requests);
  try {
    const storm = async (): Promise<StormResult> => {
      await standIns.call('clearRequests', {});
      const started = performance.now();
      await Promise.all(Array.from({ length: plan.storm.requests }, () => gatewayPage(gateway, user, null)));
      const wallMs = performance.now() - started;
      return { requests: plan.storm.requests, refreshes: await standIns.call('countRefreshes', {}), wallMs };
    };

    await db
      .collection<{ _id: string }>('credentials')
      .updateOne({ _id: user.userId }, { $set: { accessTokenExpiresAt: new Date(Date.now() - 3_600_000) } });
    await gatewayProcess.call('forgetClient', { userId: user.userId });
    const expiredInStore = await storm();

    await standIns.call('expireAccessTokens', { email: user.email });
    const rejectedByGoogle = await storm();
    return { expiredInStore, rejectedByGoogle };
  } finally {
    gateway.setMaxSockets(plan.concurrency);
    await standIns.call('clearFaults', {});
  }
}
