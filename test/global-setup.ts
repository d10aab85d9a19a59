/**
 * Compiles the TypeScript into dist/ before the tests that run the package as users do
 * (require/import by name, child processes with environment switches), so they never test a
 * stale build. The native addon is built by `npm install` (or `npm run build:native`).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  // The addon then fills the memory its Promise calls stage results in with NaN bytes before every
  // call (native/staging.cc), so a kernel that leaves part of its result unwritten fails the tests
  // that compare Promise calls with synchronous ones. Inherited by the workers and their children.
  process.env.KINDLING_POISON_STAGING = '1';
  const root = join(__dirname, '..');
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', root], { stdio: 'inherit' });
  execFileSync(process.execPath, [join(root, 'scripts/build-esm.mjs')], { stdio: 'ignore' });
}
