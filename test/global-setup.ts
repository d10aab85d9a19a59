/**
 * Compiles the TypeScript into dist/ before the tests that run the package as users do
 * (require/import by name, child processes with environment switches), so they never test a
 * stale build. The native addon is built by `npm install` (or `npm run build:native`).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  const root = join(__dirname, '..');
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', root], { stdio: 'inherit' });
  execFileSync(process.execPath, [join(root, 'scripts/build-esm.mjs')], { stdio: 'ignore' });
}
