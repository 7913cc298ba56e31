export { capture, printCredential, printError, printEverything } from './capture.js';
export {
  DEMO_AGENT,
  type DemoClientOptions,
  demoAuth,
  demoClient,
  type TestClock,
  testClock,
} from './demo-client.js';
export {
  type DoubleReply,
  type HttpDouble,
  isDiscovery,
  metadataFor,
  type RecordedRequest,
  startAnsweringOrg,
  startHttpDouble,
} from './http-double.js';
export {
  type LocalOrg,
  SECOND_USER,
  signInDemoUser,
  signInUser,
  useLocalOrg,
  withSecondUser,
} from './local-org.js';
export { type RecordedCall, recordingFetch } from './recording-fetch.js';
export {
  expectCachedPerUser,
  expectCachedUntilDue,
  expectExpiredIdTokenRejected,
  expectInvalidResponse,
  expectInvalidTarget,
  expectNothingEscapes,
  expectRefusedBeforeAnyRequest,
  expectResourceExchange,
  type ResourceAdapterCase,
  resourceAdapterCase,
  useAnsweringOrg,
} from './resource-adapter.js';
