// The tests' CA and server certificate come from @llm-session/testing, generated at run time.
export type { TestCertificates } from '../../packages/testing/src/index.js'
export { createTestCertificates } from '../../packages/testing/src/index.js'
