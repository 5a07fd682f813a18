import { performance } from 'node:perf_hooks';
import type { gmail_v1 } from 'googleapis/build/src/apis/gmail';
import { fetchFullMessage } from '../google-direct';
import type { HttpClient } from '../http-client';
import type { ChildProcessHandle } from '../ipc';
import type { Plan } from '../options';
import type { StandInsApi } from '../stand-ins-process';
import { median, percentile } from '../stats';
import type { SignedInUser } from '../workload';
import type { LatencySummary } from './page-latency';

export const MESSAGE_VIEW_QUERY = 'query View($id: ID!) { message(id: $id) { body { html } } }';

export interface MessageViewResult {
  readonly gateway: LatencySummary;
  readonly direct: LatencySummary;
}

/**
 * `messageViewVsDirect`: one message opened at a time with `messages.get` at Gmail-like latency (lognormal), the
 * gateway's `message(id) { body { html } }` against googleapis' `messages.get format=full` called in-process.
 * Both sides read the same message in a pair, each message once, and which goes first alternates. Nothing on
 * either side caches a full message (the gateway's cache holds metadata only and is bypassed for `format=full`),
 * so every read reaches the emulator. The gateway also decodes the MIME tree and sanitizes the HTML; the
 * baseline stops at Gmail's JSON.
 */
export async function measureMessageView(options: {
  readonly plan: Plan;
  readonly standIns: ChildProcessHandle<StandInsApi>;
  readonly gateway: HttpClient;
  /** The same mailbox twice: signed in to the gateway, and a Gmail client holding its tokens in memory. */
  readonly user: SignedInUser;
  readonly direct: gmail_v1.Gmail;
  readonly log: (line: string) => void;
}): Promise<MessageViewResult> {
  const { plan, standIns, gateway, user, direct, log } = options;
  const { warmupPairs, pairs } = plan.messageView;
  const ids = await messageIds(direct, warmupPairs + pairs);
  await standIns.call('setLatency', {
    endpoint: 'messages.get',
    latency: { distribution: 'lognormal', medianMs: plan.latency.getMedianMs, sigma: plan.latency.sigma },
  });
  try {
    const gatewayView = (id: string) => () => openInGateway(gateway, user, id);
    const directView = (id: string) => () => fetchFullMessage(direct, id);
    for (const id of ids.slice(0, warmupPairs)) {
      await gatewayView(id)();
      await directView(id)();
    }
    const samples = { gateway: [] as number[], direct: [] as number[] };
    for (const [i, id] of ids.slice(warmupPairs).entries()) {
      if (i % 2 === 0) {
        samples.gateway.push(await timed(gatewayView(id)));
        samples.direct.push(await timed(directView(id)));
      } else {
        samples.direct.push(await timed(directView(id)));
        samples.gateway.push(await timed(gatewayView(id)));
      }
      if ((i + 1) % 20 === 0) log(`  ${i + 1}/${pairs} pairs`);
    }
    return { gateway: summary(samples.gateway), direct: summary(samples.direct) };
  } finally {
    await standIns.call('setLatency', { endpoint: 'messages.get', latency: null });
  }
}

/** Distinct message ids from one list call, made before the emulator is slowed down. */
async function messageIds(gmail: gmail_v1.Gmail, count: number): Promise<string[]> {
  const { data } = await gmail.users.messages.list({ userId: 'me', maxResults: count });
  const ids = (data.messages ?? []).map((ref) => ref.id!);
  if (ids.length < count)
    throw new Error(`the message view needs ${count} messages, the mailbox has ${ids.length}`);
  return ids;
}

async function openInGateway(gateway: HttpClient, user: SignedInUser, id: string): Promise<void> {
  const { status, body } = await gateway.graphql<{
    message: { body: { html: string | null } | null } | null;
  }>(MESSAGE_VIEW_QUERY, { id }, user.token);
  const html = body.data?.message?.body?.html;
  if (status !== 200 || body.errors !== undefined || typeof html !== 'string' || html === '') {
    throw new Error(`unexpected message answer (HTTP ${status}): ${JSON.stringify(body).slice(0, 500)}`);
  }
}

async function timed(operation: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await operation();
  return performance.now() - started;
}

function summary(samples: readonly number[]): LatencySummary {
  return { samples: samples.length, p50Ms: median(samples), p90Ms: percentile(samples, 90) };
}
