#!/usr/bin/env bash
# Node compatibility smoke: runs a representative subset of the tests (session, client, the bounded
# reliability suite) under Node 22 and Node 24, fetched from the npm registry with `npx node@N`.
# Each run writes its own JSON report (test-results/node-<N>.json) so CI can add its counts.
# Needs a prior `pnpm build` (some tests run the built packages).
set -uo pipefail
cd "$(dirname "$0")/.."

files=(
  packages/core/src/session
  packages/core/src/streaming
  test/session-lifecycle.test.ts
  test/session-pooling.test.ts
  test/session-tls-proxy.test.ts
  test/session-leak-warning.test.ts
  test/client-fixtures.test.ts
  test/client-dispatch-transport.test.ts
  test/client-middleware.test.ts
  test/telemetry-channel.test.ts
  test/telemetry-spans.test.ts
  test/reliability
)
status=0
for version in ${NODE_COMPAT_VERSIONS:-22 24}; do
  echo "node-compat: Node ${version}"
  VITEST_JSON_REPORT="test-results/node-${version}.json" \
    npx -y "node@${version}" node_modules/vitest/vitest.mjs run "${files[@]}" || status=1
done
exit "$status"
