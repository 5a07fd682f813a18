// Local mode's settings (LOCAL_* and GOOGLE_REDIRECT_URI without a Google client), from their values.

import { parseInteger } from './config-values';
import type { LocalModeConfig } from './gateway-config';

/** Frozen; set whatever else is configured for real, and ignored then. */
export function parseLocalMode(
  input: {
    readonly port: number;
    /** Whether a real Google client is configured: GOOGLE_REDIRECT_URI is then its redirect URI, not ours. */
    readonly googleConfigured: boolean;
    readonly redirectUri: string | undefined;
    readonly googlePort: string | undefined;
    readonly dataDir: string | undefined;
  },
  problems: string[],
): LocalModeConfig {
  const { port } = input;
  // PORT + 1 keeps the emulator's URL (and its redirect URIs) the same from one start to the next; an ephemeral
  // gateway port (0, tests) gets an ephemeral emulator port.
  const googlePort = parseInteger(
    'LOCAL_GOOGLE_PORT',
    input.googlePort,
    { fallback: port === 0 || port === 65535 ? 0 : port + 1, min: 0, max: 65535 },
    problems,
  );
  if (googlePort !== 0 && googlePort === port) {
    problems.push(`LOCAL_GOOGLE_PORT must differ from PORT (both are ${port})`);
  }
  return Object.freeze({
    redirectUri: input.googleConfigured ? null : (input.redirectUri ?? null),
    googlePort,
    dataDir: input.dataDir ?? '.local',
  });
}
