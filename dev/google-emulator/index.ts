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
export { ENDPOINT_NAMES, GMAIL_METHODS } from './types';
export { HOSTILE_HTML, largeNewsletter, type HostileHtml } from './hostile-corpus';
export { USER_LABELS, SUSPICIOUS_LABEL_ID } from './mailbox-content';
export { INLINE_ATTACHMENT_LIMIT } from './mime';
export type {
  ConsentDecision,
  EmulatorUser,
  EndpointName,
  FaultSpec,
  GoogleEmulator,
  GoogleEmulatorOptions,
  LabelChange,
  MessageFeature,
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
