#!/usr/bin/env node
// npm run prebuild: builds the binary shipped in the package, prebuilds/<platform>-<arch>/
// kindling[.<libc>].node, with prebuildify (--napi --strip --tag-libc) driving cmake-js through
// scripts/prebuild-node-gyp.mjs, which stands in for node-gyp. (The loader, lib/backend.ts, reads
// exactly prebuildify's names.) Extra arguments go to prebuildify.
//
// The build runs from scratch in a temporary directory given to prebuildify as --cwd, because
// prebuildify takes the .node file out of <cwd>/build/Release: the development build in build/
// is left as it was. Then scripts/check-binary.mjs checks the result against the glibc floor.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { name } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const nodeGyp = join(root, 'scripts', 'prebuild-node-gyp.mjs');
chmodSync(nodeGyp, 0o755); // prebuildify runs it as a program

const stage = mkdtempSync(join(tmpdir(), 'kindling-prebuild-'));
const startedAt = Date.now();
let status;
try {
  const args = [
    require.resolve('prebuildify/bin.js'),
    '--napi',
    '--strip',
    '--tag-libc',
    '--name', name,
    '--cwd', stage,
    '--out', root,
    '--node-gyp', nodeGyp,
    ...process.argv.slice(2),
  ];
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  status = result.status ?? 1;
  if (result.error) console.error(`kindling: prebuildify could not run: ${result.error.message}`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
if (status !== 0) {
  console.error(`kindling: prebuild failed (prebuildify exited with ${status})`);
  process.exit(status);
}

const folder = join(root, 'prebuilds');
for (const platform of readdirSync(folder)) {
  for (const file of readdirSync(join(folder, platform))) {
    const path = join(folder, platform, file);
    if (statSync(path).mtimeMs >= startedAt - 1000) console.log(`kindling: built ${relative(root, path)} (${statSync(path).size} bytes)`);
  }
}
