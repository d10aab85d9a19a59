#!/usr/bin/env node
// Soak: many synchronous and Promise calls of mixed kernels and sizes, then RSS and external memory
// after settling (forced collections) against a warm-up baseline. Fails when either grew by more
// than the bound: a leak of even 16 bytes per call would show as 16 MB over a million calls.
//
//   node --expose-gc scripts/soak.mjs [--sync 1000000] [--async 100000] [--bound-mb 24]
//
// Loads dist/cjs (npm run build:ts); KINDLING_FORCE_JS / KINDLING_SIMD / KINDLING_NATIVE_PATH choose the backend.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { values } = parseArgs({
  options: { sync: { type: 'string', default: '1000000' }, async: { type: 'string', default: '100000' }, 'bound-mb': { type: 'string', default: '24' } },
});
const syncCalls = Number(values.sync);
const asyncCalls = Number(values.async);
const boundBytes = Number(values['bound-mb']) * 2 ** 20;
if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc');

const kindling = require('../dist/cjs/index.js');
const { Generator, backend, gelu, prelu, sigmoid, softmax, tanh } = kindling;

// Sizes from below the small-array crossovers to ones split across threads.
const SIZES = [1, 7, 64, 1000, 4096, 70_000];
const inputs = SIZES.flatMap((n) => [Float32Array, Float64Array].map((T) => T.from({ length: n }, (_, i) => Math.sin(i) * 4)));
const generator = new Generator(1);

// One call of a mixed set: element-wise forward/backward, an axis activation, prelu, a random draw.
function callSync(i) {
  const x = inputs[i % inputs.length];
  switch (i % 6) {
    case 0: return tanh(x);
    case 1: return sigmoid.backward(x, x);
    case 2: return gelu.derivative(x, { out: new x.constructor(x.length) });
    case 3: return softmax(x);
    case 4: return prelu(x, new x.constructor([0.25]));
    default: return generator.normal(x.length);
  }
}

function callAsync(i) {
  const x = inputs[i % inputs.length];
  switch (i % 5) {
    case 0: return tanh.async(x);
    case 1: return sigmoid.backward.async(x, x);
    case 2: return softmax.async(x);
    case 3: return prelu.async(x, new x.constructor([0.25]));
    default: return generator.normalAsync(x.length);
  }
}

async function settle() {
  for (let i = 0; i < 6; i++) {
    global.gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const { rss, external, heapUsed } = process.memoryUsage();
  return { rss, external, heapUsed };
}

async function run(sync, async) {
  for (let i = 0; i < sync; i++) callSync(i);
  // Promise calls in waves of 64 in flight.
  for (let i = 0; i < async; i += 64) {
    await Promise.all(Array.from({ length: Math.min(64, async - i) }, (_, j) => callAsync(i + j)));
  }
}

const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const started = Date.now();
await run(Math.min(20_000, syncCalls), Math.min(2_000, asyncCalls)); // warm-up: pools, caches, JIT
const before = await settle();
await run(syncCalls, asyncCalls);
const after = await settle();
const growth = { rss: after.rss - before.rss, external: after.external - before.external };
const info = backend();
console.log(JSON.stringify({
  backend: `${info.kind}${info.simd ? ` ${info.simd}` : ''}`,
  syncCalls,
  asyncCalls,
  seconds: Math.round((Date.now() - started) / 1000),
  before: { rss: mb(before.rss), external: mb(before.external), heapUsed: mb(before.heapUsed) },
  after: { rss: mb(after.rss), external: mb(after.external), heapUsed: mb(after.heapUsed) },
  growth: { rss: mb(growth.rss), external: mb(growth.external) },
  bound: mb(boundBytes),
}));
if (growth.rss > boundBytes || growth.external > boundBytes) {
  console.error(`soak: memory grew beyond ${mb(boundBytes)}`);
  process.exit(1);
}
