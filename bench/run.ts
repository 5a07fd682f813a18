import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Credentials } from 'google-auth-library';
import { BenchEnvironment, PROFILE_DIR, START_NODE_FLAGS } from './environment';
import { gmailWithTokens, grantTokens } from './google-direct';
import { HttpClient } from './http-client';
import { parsePlan, PARTS } from './options';
import { measureMemory } from './phases/memory';
import { measureMessageView } from './phases/message-view';
import { measurePageLatency } from './phases/page-latency';
import { measurePageTail } from './phases/page-tail';
import { measureRefreshStorm } from './phases/refresh-storm';
import { measureFetchModes } from './phases/fetch-modes';
import { measureThroughput } from './phases/throughput';
import { measureViewer } from './phases/viewer';
import { buildReport, formatDetails, formatTable, writeJson, type Measurements } from './report';
import { CachedPages, DirectCursors, signIn, UncachedPages, type SignedInUser } from './workload';

/**
 * `npm run bench [-- --quick]`: drives the gateway over HTTP against the Google emulator and the in-memory
 * MongoDB server, each figure beside its baseline measured in the same run, prints a table with the targets and
 * writes bench/results/latest.json (quick.json in quick mode). Every server under test runs in its own process.
 */
async function main(): Promise<number> {
  const plan = parsePlan(process.argv.slice(2));
  const began = performance.now();
  const log = (line: string) =>
    console.log(`[${((performance.now() - began) / 1000).toFixed(0).padStart(3)} s] ${line}`);
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${plan.timeLimitMs / 1000} s; giving up`);
    process.exit(2);
  }, plan.timeLimitMs);
  watchdog.unref();

  console.log(
    `gmail-graphql-gateway benchmark, ${plan.quick ? 'quick' : 'full'} run: node ${process.version}, ` +
      `${plan.concurrency} workers, parts: ${[...plan.parts].join(', ')}, ` +
      `gateway flags: ${[...START_NODE_FLAGS, ...plan.gatewayNodeOptions].join(' ') || 'none'}, ` +
      `GMAIL_USER_CONCURRENCY: ${plan.gatewayUserConcurrency ?? 'default (10)'}`,
  );
  const env = await BenchEnvironment.start(plan);
  const clients: HttpClient[] = [];
  const client = (url: string) => {
    const created = new HttpClient(url, plan.concurrency);
    clients.push(created);
    return created;
  };
  const m: Measurements = {};
  try {
    log('starting the gateway and signing users in');
    const first = await env.startGateway();
    const gateway = client(first.url);
    const walkers = await signInAll(gateway, env.mailboxes.uncached);
    const cachedUsers = await signInAll(gateway, env.mailboxes.cached);
    let extraUsers = 0;
    const uncached = new UncachedPages(walkers, async (current) => {
      const emails = Array.from({ length: 8 }, () => `bench-extra-${++extraUsers}@example.com`);
      log(`  adding ${emails.length} more mailboxes for uncached pages`);
      await env.standIns.call('addUsers', {
        users: emails.map((email) => ({ email, messages: plan.mailboxes.messagesPerUser })),
      });
      return signInAll(current, emails);
    });
    const needsBaseline = plan.parts.has('latency') || plan.parts.has('throughput');
    const directTokens: Credentials[] = [];
    if (needsBaseline || plan.parts.has('message')) {
      for (const email of env.mailboxes.uncached.slice(0, Math.max(2, plan.concurrency))) {
        directTokens.push(await grantTokens(env.google, email));
      }
    }

    const baseline = needsBaseline ? await env.startDirectBaseline(directTokens) : undefined;
    const direct = baseline === undefined ? undefined : client(baseline.url);

    if (plan.parts.has('latency')) {
      log(
        `page latency: emulator list ~${plan.latency.listMedianMs} ms, get ~${plan.latency.getMedianMs} ms (lognormal, sigma ${plan.latency.sigma})`,
      );
      m.pageLatency = await measurePageLatency({
        plan,
        standIns: env.standIns,
        gateway,
        uncached,
        direct: gmailWithTokens(env.google, directTokens[0]!),
        naive: gmailWithTokens(env.google, directTokens[1]!),
        log,
      });
      log(`page tail: ${plan.concurrency} users at once at the same latency, gateway and direct baseline`);
      m.pageTail = await measurePageTail({
        plan,
        standIns: env.standIns,
        gateway,
        direct: direct!,
        uncached,
        directCursors: new DirectCursors(directTokens.length),
        log,
      });
    }
    if (plan.parts.has('message')) {
      log(
        `message view: message(id) { body { html } } against messages.get format=full, get ~${plan.latency.getMedianMs} ms`,
      );
      // The first walker's mailbox on both sides: the gateway signed in, the baseline with its own tokens.
      m.messageView = await measureMessageView({
        plan,
        standIns: env.standIns,
        gateway,
        user: walkers[0]!,
        direct: gmailWithTokens(env.google, directTokens[0]!),
        log,
      });
    }
    if (plan.parts.has('throughput')) {
      log('throughput at zero emulator latency: gateway uncached, direct baseline, gateway cached');
      const cached = new CachedPages(cachedUsers, plan.mailboxes.cachedPagesPerUser);
      m.throughput = await measureThroughput({
        plan,
        standIns: env.standIns,
        processes: { gateway: first.process, direct: baseline!.process, standIns: env.standIns },
        gateway,
        direct: direct!,
        uncached,
        cached,
        directCursors: new DirectCursors(directTokens.length),
        log,
      });
    }
    if (plan.parts.has('fetch')) {
      log(
        'GMAIL_FETCH_MODE side by side: a second gateway with batch, pages in alternating pairs and rounds',
      );
      const batch = await env.startGateway('batch');
      const parallel = plan.gmailFetch === 'parallel' ? first : await env.startGateway('parallel');
      m.fetchModes = await measureFetchModes({
        plan,
        standIns: env.standIns,
        gateways: { parallel: parallel === first ? gateway : client(parallel.url), batch: client(batch.url) },
        processes: { parallel: parallel.process, batch: batch.process, standIns: env.standIns },
        uncached,
        log,
      });
      await batch.process.stop();
      if (parallel !== first) await parallel.process.stop();
    }
    if (plan.parts.has('viewer')) {
      log('viewer (session lookup) against a bare Apollo Server');
      const apollo = await env.startApolloBaseline();
      m.viewer = await measureViewer({
        plan,
        processes: { gateway: first.process, apollo: apollo.process, standIns: env.standIns },
        gateway,
        apollo: client(apollo.url),
        users: cachedUsers,
        log,
      });
    }
    if (plan.parts.has('storm')) {
      log(`refresh storm: ${plan.storm.requests} concurrent requests with a stale access token`);
      m.refreshStorm = await measureRefreshStorm({
        plan,
        standIns: env.standIns,
        gatewayProcess: first.process,
        gateway,
        db: env.db,
        user: await signIn(gateway, env.mailboxes.storm),
      });
    }
    if (plan.parts.has('memory')) {
      await first.process.stop();
      log(
        `memory: a fresh gateway process under ${plan.memory.durationMs / 1000} s of mixed load` +
          (plan.memory.fillLimitMs > 0 ? ', after the same load filled its metadata cache' : ''),
      );
      const second = await env.startGateway();
      uncached.reset();
      m.memory = await measureMemory({
        plan,
        gatewayProcess: second.process,
        gateway: client(second.url),
        uncached,
        cached: new CachedPages(cachedUsers, plan.mailboxes.cachedPagesPerUser),
        users: cachedUsers,
      });
    }
  } finally {
    for (const c of clients) c.close();
    await env.stop();
  }

  const report = buildReport(plan, m);
  console.log(`\n${formatTable(report.rows)}\n`);
  console.log(formatDetails(m).join('\n'));
  const file = plan.quick ? 'quick.json' : plan.parts.size < PARTS.length ? 'partial.json' : 'latest.json';
  const path = join(__dirname, '..', '..', 'bench', 'results', file);
  writeJson(path, report.json);
  console.log(`\nwrote ${path}${plan.profile ? `; CPU profiles in ${PROFILE_DIR}` : ''}`);
  if (plan.quick) {
    console.log('quick run: targets are not enforced');
    return 0;
  }
  return report.pass ? 0 : 1;
}

async function signInAll(gateway: HttpClient, emails: readonly string[]): Promise<SignedInUser[]> {
  const users: SignedInUser[] = [];
  for (const email of emails) users.push(await signIn(gateway, email));
  return users;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('bench failed:', error);
    process.exit(1);
  },
);
