import type { ChildProcessHandle } from '../ipc';
import type { Plan } from '../options';
import type { StandInsApi } from '../stand-ins-process';

/**
 * Runs `measure` while the emulator answers with Gmail-like latency (lognormal lists and gets, a fixed overhead
 * per batch call), and takes the latency off again afterwards, whatever happened.
 */
export async function withGmailLikeLatency<T>(
  standIns: ChildProcessHandle<StandInsApi>,
  latency: Plan['latency'],
  measure: () => Promise<T>,
): Promise<T> {
  const { listMedianMs, getMedianMs, sigma, batchOverheadMs } = latency;
  await standIns.call('setLatency', {
    endpoint: 'messages.list',
    latency: { distribution: 'lognormal', medianMs: listMedianMs, sigma },
  });
  await standIns.call('setLatency', {
    endpoint: 'messages.get',
    latency: { distribution: 'lognormal', medianMs: getMedianMs, sigma },
  });
  await standIns.call('setLatency', {
    endpoint: 'batch',
    latency: { distribution: 'fixed', ms: batchOverheadMs },
  });
  try {
    return await measure();
  } finally {
    await standIns.call('clearFaults', {});
  }
}
