export {
  startGoogleEmulator,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  CALLBACK_ECHO_PATH,
} from './google-emulator';
export { DEMO_USER, DEMO_MESSAGES } from './users';
export { SCOPES } from './scopes';
export { GOOGLE_FAULTS, type GoogleFaultName } from './google-faults';
export { DEFAULT_QUOTA_COSTS } from './quota';
export { ENDPOINT_NAMES } from './types';
export type {
  ConsentDecision,
  EmulatorUser,
  EndpointName,
  FaultSpec,
  GoogleEmulator,
  GoogleEmulatorOptions,
  LatencySpec,
  MessageSummary,
  NewUser,
  OAuthClientRegistration,
  GmailMethod,
  QuotaOptions,
  QuotaUsage,
  RecordedRequest,
  UnservedFault,
} from './types';
