#!/usr/bin/env node
// Reads LeakSanitizer's reports (<prefix>.<pid> files) and fails if any leak was allocated through
// kindling: a stack that names one of the markers (the module's file name, for frames it shows
// unsymbolized, or the native/ source directory, for symbolized ones). Node's own allocations
// still held at exit are counted, not judged. Exits 3 when kindling leaked, so that a crash of
// this script (exit 1) can never pass for a caught leak.
//
//   node scripts/leak-report.mjs build/sanitize/leaks kindling.node /path/to/native/
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const [prefix, ...markers] = process.argv.slice(2);
const files = readdirSync(dirname(prefix))
  .filter((name) => name.startsWith(`${basename(prefix)}.`))
  .map((name) => join(dirname(prefix), name));
let ours = 0;
let others = 0;
for (const file of files) {
  const leaks = readFileSync(file, 'utf8')
    .split(/\n(?=(?:Direct|Indirect) leak)/)
    .filter((text) => /^(Direct|Indirect) leak/.test(text));
  for (const leak of leaks) {
    if (markers.some((marker) => leak.includes(marker))) {
      ours++;
      console.error(leak);
    } else others++;
  }
}
console.log(`LeakSanitizer: ${files.length} report(s); ${ours} leak(s) allocated through kindling (${markers.join(' or ')}), ${others} elsewhere (node's own, not judged)`);
process.exit(ours > 0 ? 3 : 0);
