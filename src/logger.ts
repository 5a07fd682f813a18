import { pino, type Logger, type DestinationStream } from 'pino';
import pinoPretty from 'pino-pretty';

export type { Logger };

/**
 * Paths pino censors wherever they appear in a log object. Secrets should never be logged in the first place;
 * this is the second line of defence for a careless `logger.info({ req })` or an error carrying a request.
 */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.headers.authorization',
  'config.headers.Authorization',
  'config.headers.authorization',
  '*.config.headers.Authorization',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  '*.code',
  '*.code_verifier',
  '*.codeVerifier',
  '*.client_secret',
  '*.sessionToken',
  '*.requestSecret',
  '*.accessToken',
  '*.refreshToken',
  'access_token',
  'refresh_token',
  'code_verifier',
  'client_secret',
  'sessionToken',
  'requestSecret',
  'accessToken',
  'refreshToken',
  'variables.code',
  '*.variables.code',
  'variables.requestSecret',
  '*.variables.requestSecret',
  'config.data',
  '*.config.data',
  'config.body',
  '*.config.body',
];

/**
 * Created once per process by main.ts; tests pass their own destination to read what was logged. Without one,
 * logs are JSON lines on stdout for a log collector, or readable lines when stdout is a terminal (a person).
 */
export function createLogger(level: string, destination: DestinationStream = defaultDestination()): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

function defaultDestination(): DestinationStream {
  if (!process.stdout.isTTY) return pino.destination(1);
  // Synchronous, like pino's own destination: a line logged just before process.exit is not lost.
  return pinoPretty({ sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l' });
}
