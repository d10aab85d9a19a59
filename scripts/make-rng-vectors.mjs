#!/usr/bin/env node
// Known answers for every random stream (docs/rng.md): for each case, the first values and the
// SHA-256 of a long draw's bytes, computed by the TypeScript fallback (which the tests prove
// identical to every native level). Writes test/fixtures/rng-vectors.json and the "Known answers"
// table of docs/rng.md; `--check` exits 1 if either is stale. A stream change is deliberate:
// bump the stream version in docs/rng.md and regenerate.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { Generator } = require(join(root, 'dist/cjs/random/generator.js'));
const { fallbackKernels } = require(join(root, 'dist/cjs/fallback/kernels.js'));

const SEED = 20261123;
const SIZE = 100_003; // not a multiple of any group size, so every draw ends in a partial group

/** [label, method, options]: every distribution, dtype and proposal of docs/rng.md §3. */
export const CASES = [
  ['bits', 'bits', {}],
  ['uniform float32', 'uniform', {}],
  ['uniform float64', 'uniform', { dtype: 'float64' }],
  ['uniform float32 [-3, 5)', 'uniform', { low: -3, high: 5 }],
  ['normal float32', 'normal', {}],
  ['normal float64', 'normal', { dtype: 'float64' }],
  ['normal float32 mean 3 std 0.5', 'normal', { mean: 3, std: 0.5 }],
  ['truncatedNormal float32 [-2, 2] (normal proposal)', 'truncatedNormal', {}],
  ['truncatedNormal float64 [-2, 2] (normal proposal)', 'truncatedNormal', { dtype: 'float64' }],
  ['truncatedNormal float32 [0, 0.3] (uniform proposal)', 'truncatedNormal', { a: 0, b: 0.3 }],
  ['truncatedNormal float64 [1, 1.5] (uniform proposal)', 'truncatedNormal', { a: 1, b: 1.5, dtype: 'float64' }],
  ['truncatedNormal float32 [3, inf) (exponential proposal)', 'truncatedNormal', { a: 3, b: Infinity }],
  ['truncatedNormal float64 (-inf, -4] (exponential proposal)', 'truncatedNormal', { a: -Infinity, b: -4, dtype: 'float64' }],
  ['truncatedNormal float32 absolute [-0.1, 0.2]', 'truncatedNormal', { mean: 0.05, std: 0.1, a: -0.1, b: 0.2, bounds: 'absolute' }],
  ['truncatedNormal float64 [-2, 2] std 0.02, preserveVariance', 'truncatedNormal', { std: 0.02, preserveVariance: true, dtype: 'float64' }],
  ['integers int32 [0, 10)', 'integers', { high: 10 }],
  ['integers int32 [-2^31, 2^31)', 'integers', { low: -(2 ** 31), high: 2 ** 31 }],
  ['integers uint32 [0, 2^32)', 'integers', { high: 2 ** 32, dtype: 'uint32' }],
  ['integers uint32 [7, 3e9)', 'integers', { low: 7, high: 3e9 }],
  ['bernoulli p = 0.3', 'bernoulli', { p: 0.3 }],
];

export function draw(generator, method, options, size) {
  return method === 'permutation' ? generator.permutation(size) : generator[method](size, options);
}

function sha256(array) {
  return createHash('sha256').update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength)).digest('hex');
}

function vectors() {
  const cases = CASES.map(([label, method, options]) => {
    const values = draw(new Generator(SEED, { kernels: fallbackKernels }), method, options, SIZE);
    return { label, method, options, first: Array.from(values.subarray(0, 6), String), sha256: sha256(values) };
  });
  const permutation = new Generator(SEED, { kernels: fallbackKernels }).permutation(1000);
  cases.push({ label: 'permutation(1000)', method: 'permutation', options: {}, size: 1000, first: Array.from(permutation.subarray(0, 6), String), sha256: sha256(permutation) });
  const parent = new Generator(SEED, { kernels: fallbackKernels });
  const keys = {
    seed: parent.state().key,
    split: parent.split(3).map((child) => child.state().key),
    splitAgain: parent.split(1).map((child) => child.state().key),
    foldIn7: parent.foldIn(7).state().key,
  };
  return { streamVersion: 1, seed: SEED, size: SIZE, keys, cases };
}

function json(value) {
  // Infinity has no JSON form: the options keep it as a string.
  return `${JSON.stringify(value, (_, v) => (v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v), 2)}\n`;
}

function docsTable(data) {
  const rows = data.cases.map((c) => `| ${c.label} | ${c.first.slice(0, 3).join(', ')} | \`${c.sha256.slice(0, 16)}…\` |`);
  return [
    `Seed ${data.seed}, a fresh generator per row, ${data.size} values (permutation: 1000); the first values and`,
    'the SHA-256 of the values\' bytes (little-endian), in full in `test/fixtures/rng-vectors.json`.',
    `Key of the seed: ${data.keys.seed.map((w) => `0x${w.toString(16)}`).join(', ')}; its first split(3) children:`,
    `${data.keys.split.map((k) => `(${k.map((w) => `0x${w.toString(16)}`).join(', ')})`).join(', ')}; foldIn(7): (${data.keys.foldIn7.map((w) => `0x${w.toString(16)}`).join(', ')}).`,
    '',
    '| draw | first values | SHA-256 |',
    '| --- | --- | --- |',
    ...rows,
  ].join('\n');
}

const data = vectors();
const fixture = join(root, 'test/fixtures/rng-vectors.json');
const docs = join(root, 'docs/rng.md');
const [begin, end] = ['<!-- known answers: generated by scripts/make-rng-vectors.mjs -->', '<!-- end of known answers -->'];
const currentDocs = readFileSync(docs, 'utf8');
const at = currentDocs.indexOf(begin);
const tail = at < 0 ? '' : currentDocs.slice(currentDocs.indexOf(end) + end.length);
const head = at < 0 ? `${currentDocs.trimEnd()}\n\n## 5. Known answers\n\n` : currentDocs.slice(0, at);
const newDocs = `${head}${begin}\n${docsTable(data)}\n${end}${tail || '\n'}`;

if (process.argv.includes('--check')) {
  const stale = [];
  if (readFileSync(fixture, 'utf8') !== json(data)) stale.push('test/fixtures/rng-vectors.json');
  if (currentDocs !== newDocs) stale.push('docs/rng.md');
  if (stale.length > 0) {
    console.error(`stale: ${stale.join(', ')} (run node scripts/make-rng-vectors.mjs, and if a stream changed on purpose, bump its version)`);
    process.exit(1);
  }
  console.log('random stream vectors are up to date');
} else {
  writeFileSync(fixture, json(data));
  writeFileSync(docs, newDocs);
  console.log(`wrote ${fixture} and the known answers of docs/rng.md`);
}
