import { loadConfig } from '../../src/config';
import { rewrapStoredTokens } from './rewrap';

/** `npm run rewrap`: moves every stored token to the current key (README, "Rotating TOKEN_ENCRYPTION_KEYS"). */
async function main(): Promise<void> {
  const report = await rewrapStoredTokens(loadConfig());
  console.log(
    `rewrapped ${report.rewrapped} credential(s); ${report.unreadable} token(s) no configured key decrypts; ` +
      `${report.changedMeanwhile} changed meanwhile (run again)`,
  );
  // Anything left behind means the old key cannot be removed yet.
  if (report.unreadable > 0 || report.changedMeanwhile > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`rewrap failed: ${message}`);
  process.exit(1);
});
