#!/usr/bin/env node
// Reads LeakSanitizer's reports (<prefix>.<pid> files) and fails if any leak was allocated through
// `module` (kindling.node). Node's own allocations still held at exit are counted, not judged.
//
//   node scripts/leak-report.mjs build/sanitize/leaks kindling.node
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const [prefix, module] = process.argv.slice(2);
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
    if (leak.includes(module)) {
      ours++;
      console.error(leak);
    } else others++;
  }
}
console.log(`LeakSanitizer: ${files.length} report(s); ${ours} leak(s) allocated through ${module}, ${others} elsewhere (node's own, not judged)`);
process.exit(ours > 0 ? 1 : 0);
