#!/usr/bin/env node
// Stands in for node-gyp when prebuildify builds the prebuilt binary (scripts/prebuild.mjs passes
// it as --node-gyp). prebuildify runs it as
//   prebuild-node-gyp.mjs rebuild --target=<node version> --devdir=<dir> [--arch=<arch>] --release|--debug
// in its working directory and then takes the .node file from ./build/Release (or ./build/Debug).
// This builds the addon from this package's CMakeLists.txt with cmake-js into ./build, from
// scratch. In Node-API mode (package.json "binary.napi_versions") the headers come from the
// node-api-headers package, so --target and --devdir are not needed: one binary serves every
// Node version with Node-API 8.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function fail(message) {
  console.error(`prebuild-node-gyp: ${message}`);
  process.exit(1);
}

const [command, ...flags] = process.argv.slice(2);
if (command !== 'rebuild') fail(`only "rebuild" is supported, not ${JSON.stringify(command)}`);
let debug = false;
for (const flag of flags) {
  const [key, value] = flag.split('=', 2);
  if (key === '--release') debug = false;
  else if (key === '--debug') debug = true;
  else if (key === '--target' || key === '--devdir') continue; // Node-API: no per-version headers
  else if (key === '--arch') {
    // cmake-js builds for the machine it runs on; refuse rather than mislabel a binary.
    if (value !== process.arch) fail(`cannot cross-compile for ${value} on ${process.arch}; build on a ${value} machine`);
  } else fail(`unsupported argument ${flag}`);
}

const args = [require.resolve('cmake-js/bin/cmake-js'), 'rebuild', '--directory', root, '--out', join(process.cwd(), 'build')];
if (debug) args.push('--debug');
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
if (result.error) fail(`cmake-js could not run: ${result.error.message}`);
process.exit(result.status ?? 1);
