#!/usr/bin/env node
// Builds the native addon with cmake-js (Node-API mode: headers from node-api-headers, nothing
// downloaded). A failed build must not fail `npm install`: the TypeScript fallback serves instead,
// and backend().reasons says why. Set KINDLING_REQUIRE_NATIVE=1 (CI does) to make it fatal.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const required = process.env.KINDLING_REQUIRE_NATIVE === '1';

function fail(reason) {
  const verdict = required ? 'failing because KINDLING_REQUIRE_NATIVE=1' : 'the TypeScript fallback will serve instead';
  console.error(`kindling: the native addon was not built (${reason}); ${verdict}.`);
  process.exit(required ? 1 : 0);
}

let cmakeJs;
try {
  cmakeJs = require.resolve('cmake-js/bin/cmake-js');
} catch {
  fail('cmake-js is not installed');
}
const result = spawnSync(process.execPath, [cmakeJs, 'compile', ...process.argv.slice(2)], { stdio: 'inherit' });
if (result.error) fail(result.error.message);
if (result.status !== 0) fail(`cmake-js exited with ${result.status ?? result.signal}`);
