export type { TestCertificates, TestCertificatesOptions } from './certificates/create-test-certificates.js'
export { createTestCertificates } from './certificates/create-test-certificates.js'
export { InvalidArgumentError } from './invalid-argument-error.js'
export type { AssertNoLeaksOptions } from './leaks/assert-no-leaks.js'
export { assertNoLeaks, expectNoOpenConnections, LeakError } from './leaks/assert-no-leaks.js'
export type { OpenFileDescriptor } from './leaks/count-open-file-descriptors.js'
export { countOpenFileDescriptors, listOpenFileDescriptors } from './leaks/count-open-file-descriptors.js'
export type { MockRecordedRequest } from './mock-provider/handle-request.js'
export type { MockFaultName } from './mock-provider/mock-fault.js'
export type {
  MockProviderOptions,
  MockReplyContext,
  MockToolCall,
} from './mock-provider/mock-provider-options.js'
export { MOCK_AWS_CREDENTIALS } from './mock-provider/mock-provider-options.js'
export type { MockCounterName, MockProviderStats } from './mock-provider/mock-stats.js'
export type {
  MockConnectionInfo,
  MockProvider,
  MockRuntimeOptions,
  MockWaitOptions,
} from './mock-provider/start-mock-provider.js'
export { startMockProvider } from './mock-provider/start-mock-provider.js'
export type { MockServiceAccount } from './providers/token-endpoint.js'
export type { MockAwsCredentials } from './providers/verify-sigv4.js'
