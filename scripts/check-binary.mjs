#!/usr/bin/env node
// Checks that a prebuilt Linux binary runs where the official Node.js builds run (glibc 2.28 and
// GCC 8's libstdc++, as on RHEL 8): it may need no symbol version newer than
//   GLIBC 2.28, GLIBCXX 3.4.25, CXXABI 1.3.11 (libstdc++ of GCC 8), GCC 7.0.0 (libgcc_s of GCC 8),
// read from `objdump -T`, and no library beyond libc, libm, libstdc++, libgcc_s and the dynamic
// loader, read from `readelf -d`. It must also be built for the architecture its folder names.
//
//   node scripts/check-binary.mjs [file.node ...]
//
// Without arguments it checks every glibc binary under prebuilds/linux-*/ (and fails if there is
// none). Prints what each binary needs and a PASS or FAIL line; exits 1 on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const FLOORS = { GLIBC: '2.28', GLIBCXX: '3.4.25', CXXABI: '1.3.11', GCC: '7.0.0' };
const ALLOWED_LIBRARIES = [/^libc\.so\.6$/, /^libm\.so\.6$/, /^libstdc\+\+\.so\.6$/, /^libgcc_s\.so\.1$/, /^ld-linux[-\w.]*\.so\.\d+$/];
const MACHINES = { x64: 'Advanced Micro Devices X86-64', arm64: 'AArch64', arm: 'ARM', ia32: 'Intel 80386' };

function compareVersions(a, b) {
  const p = a.split('.').map(Number);
  const q = b.split('.').map(Number);
  for (let i = 0; i < Math.max(p.length, q.length); i++) {
    const d = (p[i] ?? 0) - (q[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function tool(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) throw new Error(`cannot run ${command} (binutils): ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}: ${result.stderr.trim()}`);
  return result.stdout;
}

/** The problems of one binary (empty when it passes), after printing what it needs. */
function check(file) {
  const problems = [];
  const label = relative(process.cwd(), file).startsWith('..') ? file : relative(process.cwd(), file);

  // Undefined dynamic symbols and the version each needs, e.g.
  //   0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.14) memcpy
  // (newer binutils print the version without parentheses; napi_* symbols are unversioned: Base).
  const needed = new Map(); // namespace -> { version, symbols: Set }
  for (const line of tool('objdump', ['-T', file]).split('\n')) {
    if (!line.includes('*UND*')) continue;
    const match = /\s\(?([A-Za-z][\w]*?)_(\d+(?:\.\d+)*)\)?\s+(\S+)\s*$/.exec(line);
    if (!match) continue;
    const [, namespace, version, symbol] = match;
    const entry = needed.get(namespace) ?? { version: '0', symbols: new Map() };
    if (!entry.symbols.has(version)) entry.symbols.set(version, []);
    entry.symbols.get(version).push(symbol);
    if (compareVersions(version, entry.version) > 0) entry.version = version;
    needed.set(namespace, entry);
  }
  for (const [namespace, { version, symbols }] of [...needed].sort()) {
    const floor = FLOORS[namespace];
    if (floor === undefined) {
      problems.push(`needs ${namespace}_${version} symbols from a library outside the allowed set`);
      continue;
    }
    const tooNew = [...symbols].filter(([v]) => compareVersions(v, floor) > 0).sort(([a], [b]) => compareVersions(b, a));
    console.log(`  ${namespace.padEnd(8)} newest needed ${version.padEnd(8)} floor ${floor}`);
    for (const [v, names] of tooNew) problems.push(`needs ${namespace}_${v} (newer than ${floor}) for ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`);
  }

  const dynamic = tool('readelf', ['-d', file]);
  const libraries = [...dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
  console.log(`  NEEDED   ${libraries.join(', ') || '(none)'}`);
  for (const library of libraries) {
    if (!ALLOWED_LIBRARIES.some((pattern) => pattern.test(library))) {
      problems.push(`links ${library}, beyond libc, libm, libstdc++, libgcc_s and the dynamic loader`);
    }
  }

  // prebuilds/<platform>-<arch>/: the binary must be for that architecture.
  const folder = basename(dirname(file));
  const arch = /^linux-(\w+)$/.exec(folder)?.[1];
  if (arch) {
    const machine = /Machine:\s+(.+)/.exec(tool('readelf', ['-h', file]))?.[1]?.trim();
    console.log(`  machine  ${machine}`);
    if (MACHINES[arch] && machine !== MACHINES[arch]) problems.push(`is built for ${machine}, but its folder ${folder} says ${arch}`);
  }

  for (const problem of problems) console.log(`  problem: ${problem}`);
  console.log(`${problems.length ? 'FAIL' : 'PASS'} ${label}`);
  return problems;
}

function defaultBinaries() {
  const folder = join(root, 'prebuilds');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((platform) => platform.startsWith('linux-'))
    .flatMap((platform) =>
      readdirSync(join(folder, platform))
        // musl binaries need no glibc; everything else on Linux is checked.
        .filter((file) => file.endsWith('.node') && !file.split('.').includes('musl'))
        .map((file) => join(folder, platform, file)),
    );
}

const files = process.argv.length > 2 ? process.argv.slice(2) : defaultBinaries();
if (files.length === 0) {
  console.error('FAIL no prebuilt Linux binary under prebuilds/ (run npm run prebuild first)');
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  console.log(`${file}:`);
  try {
    if (!existsSync(file)) throw new Error('no such file');
    if (check(file).length) failed++;
  } catch (error) {
    console.log(`FAIL ${file}: ${error.message}`);
    failed++;
  }
}
console.log(`check-binary: ${files.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
