// The main job in one run: activations forward, derivative and backward on a large Float32Array,
// sync and off the event loop, on the backend the loader chose, and the same bits from the
// TypeScript fallback.   node examples/demo.mjs   (or: npm run demo)
import { execFileSync } from 'node:child_process';
import { activation, backend, gelu, relu, sigmoid, softmax, tanh } from 'kindling';

const info = backend();
console.log(`backend: ${info.kind}${info.simd ? ` (${info.simd}, ${info.threads} threads)` : ''}${info.path ? ` from ${info.path}` : ''}`);
for (const reason of info.reasons) console.log(`  passed over: ${reason}`);

const n = 1_000_000;
const x = new Float32Array(n).map((_, i) => (i / n) * 16 - 8);
const gradOutput = new Float32Array(n).fill(1);

const hidden = tanh(x);
console.log(`tanh(x) for ${n} values, x from -8 to 8: first ${hidden[0]}, middle ${hidden[n / 2]}, last ${hidden[n - 1]}`);
console.log(`sigmoid'(0) = ${sigmoid.derivative(new Float32Array([0]))[0]}, relu'(0) = ${relu.derivative(new Float32Array([0]))[0]}`);

const grad = tanh.backward(gradOutput, x);
console.log(`tanh.backward: gradient at x = 0 is ${grad[n / 2]} (1 - tanh(0)^2)`);

const leaky = activation('LeakyReLU', { negativeSlope: 0.2 }); // PyTorch's class name
console.log(`activation('LeakyReLU', { negativeSlope: 0.2 }) at -5: ${leaky.forward(new Float32Array([-5]))[0]}; ` +
  `gelu(1) = ${gelu(new Float32Array([1]))[0]}, tanh form ${gelu(new Float32Array([1]), { approximate: 'tanh' })[0]}`);
const logits = new Float32Array(32 * 32000).map((_, i) => Math.sin(i) * 10);
const probabilities = softmax(logits, { shape: [32, 32000] });
console.log(`softmax over 32 rows of 32000 logits: row 0 sums to ${probabilities.subarray(0, 32000).reduce((a, b) => a + b, 0).toFixed(6)}`);

const big = new Float32Array(16_000_000).map((_, i) => Math.sin(i));
const started = performance.now();
let ticks = 0;
const timer = setInterval(() => ticks++, 0);
const result = await sigmoid.async(big, { out: big });
clearInterval(timer);
console.log(`sigmoid.async in place on 16M values: ${(performance.now() - started).toFixed(0)} ms, event loop ticked ${ticks} times meanwhile, result is the input array: ${result === big}`);

// The fallback, in a fresh process, must give the very same bits.
const fallbackSum = execFileSync(
  process.execPath,
  ['--input-type=module', '-e', `import { tanh } from 'kindling'; const n = ${n}; const x = new Float32Array(n).map((_, i) => (i / n) * 16 - 8); const y = tanh(x); let h = 0; for (const w of new Uint32Array(y.buffer)) h = (Math.imul(h, 31) + w) >>> 0; console.log(h);`],
  { env: { ...process.env, KINDLING_FORCE_JS: '1' }, encoding: 'utf8' },
).trim();
let hash = 0;
for (const word of new Uint32Array(hidden.buffer)) hash = (Math.imul(hash, 31) + word) >>> 0;
console.log(`hash of tanh(x): ${info.kind} ${hash}, TypeScript fallback ${fallbackSum}: ${String(hash) === fallbackSum ? 'identical' : 'DIFFERENT'}`);
