#!/usr/bin/env node
// A short smoke run for LeakSanitizer (scripts/sanitize.sh --leaks): native entry points, sync and
// Promise, on ordinary, SharedArrayBuffer and detached arrays, refused calls included, with
// collections between. What the addon allocates for a call must be freed by the time node exits.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Generator, prelu, softmax, tanh, sigmoid } = require('../dist/cjs/index.js');

const shared = (n) => new Float32Array(new SharedArrayBuffer(4 * n)).fill(0.5);
for (let round = 0; round < 200; round++) {
  const n = round % 2 ? 70_000 : 300;
  const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
  tanh(x);
  sigmoid.backward(x, x);
  softmax(x, { shape: [n / 100, 100], axis: -1 });
  prelu.backward(x, x, new Float32Array([0.25]));
  new Generator(round).normal(n);
  await Promise.all([
    tanh.async(x),
    tanh.async(shared(n)),
    softmax.async(shared(n)),
    prelu.backward.async(x, x, new Float32Array([0.25])),
    new Generator(round).uniformAsync(n),
  ]);
  const out = new Float32Array(n);
  const pending = tanh.async(x, { out });
  structuredClone(out.buffer, { transfer: [out.buffer] });
  await pending.catch(() => undefined);
  try {
    tanh(x, { out: new Float64Array(n) });
  } catch {
    // refused, as it must be
  }
  if (round % 50 === 0) global.gc();
}
console.log('leak smoke: done');
