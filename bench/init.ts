/**
 * Initializer throughput: kaimingNormal and xavierUniform filling a [4096, 4096] float32 weight on
 * one thread, at every native SIMD level this CPU runs and in the fallback, against PyTorch's
 * kaiming_normal_ / xavier_uniform_ with torch.set_num_threads(1) (bench/init_peers.py, when
 * /usr/bin/python3 or python3 has torch), and tfjs's heNormal / glorotUniform initializers on its
 * CPU and WebAssembly backends (bench/peers.ts). The issue's target: at least 2x PyTorch's throughput.
 *
 *   npx tsc -p . && npx vite-node bench/init.ts [--shape 4096,4096] [--json results.json] [--repetitions 7] [--min-batch-ms 200]
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { FloatArray, Kernels } from '../binding.js';
import { PYTHON, built } from './harness.js';
import { type TfTensor, loadTfjs } from './peers.js';

const { loadNative } = built<typeof import('../lib/backend.js')>('backend.js');
const { fallbackKernels } = built<typeof import('../lib/fallback/kernels.js')>('fallback/kernels.js');
const { Generator } = built<typeof import('../lib/random/generator.js')>('random/generator.js');
const init = built<typeof import('../lib/init/index.js')>('init/index.js');

const { values: args } = parseArgs({
  options: {
    shape: { type: 'string', default: '4096,4096' },
    json: { type: 'string' },
    repetitions: { type: 'string', default: '7' },
    'min-batch-ms': { type: 'string', default: '200' },
  },
});
const SHAPE = args.shape!.split(',').map(Number);
const SIZE = SHAPE.reduce((p, d) => p * d, 1);
const REPETITIONS = Number(args.repetitions);
const MIN_BATCH_MS = Number(args['min-batch-ms']);
const NAMES = ['kaimingNormal', 'xavierUniform'] as const;
type Name = (typeof NAMES)[number];

interface Row {
  readonly initializer: Name;
  readonly contender: string;
  readonly msPerCall: readonly number[];
  readonly median: number;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((p, q) => p - q);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Median ms per call over REPETITIONS batches of at least MIN_BATCH_MS (the calibration is the warm-up). */
function time(run: () => void, minBatchMs = MIN_BATCH_MS, repetitions = REPETITIONS): number[] {
  let iterations = 1;
  for (;;) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) run();
    if (Number(process.hrtime.bigint() - start) / 1e6 >= minBatchMs) break;
    iterations *= 2;
  }
  return Array.from({ length: repetitions }, () => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) run();
    return Number(process.hrtime.bigint() - start) / 1e6 / iterations;
  });
}

const reasons: string[] = [];
const native = loadNative(reasons);
const rows: Row[] = [];
const out = new Float32Array(SIZE);
const hashes = new Map<Name, Float32Array>();

function contender(label: string, kernels: Kernels, allocate: boolean, quick = false): void {
  for (const name of NAMES) {
    const generator = new Generator(1, { kernels });
    const initializer = init[name] as (shape: number[], options: object) => FloatArray;
    // Every contender first makes the same tensor from the same seed: the bits must agree.
    const first = initializer(SHAPE, { generator: new Generator(7, { kernels }), slice: [0, 4096] }) as Float32Array;
    const reference = hashes.get(name);
    if (!reference) hashes.set(name, first);
    else if (first.some((value, i) => !Object.is(value, reference[i]))) throw new Error(`${label} disagrees on ${name}`);
    const run = allocate ? () => void initializer(SHAPE, { generator }) : () => void initializer(SHAPE, { generator, out });
    const msPerCall = quick ? time(run, 0, 1) : time(run);
    rows.push({ initializer: name, contender: label, msPerCall, median: median(msPerCall) });
    process.stderr.write(`${label} ${name}: ${median(msPerCall).toFixed(2)} ms\n`);
  }
}

if (native) {
  native.addon.setThreads(1);
  const levels = [...native.addon.supportedSimd].reverse();
  for (const level of levels) contender(`native ${level}, 1 thread, into out`, native.addon.kernels(level), false);
  contender(`native ${levels[0]}, 1 thread, allocating`, native.addon.kernels(levels[0]!), true);
}
contender('fallback (TypeScript), into out', fallbackKernels, false, true);

// tfjs's Keras-style initializers make a new tensor each call; reading it into `out` is included.
// Keras's he_normal draws a truncated normal (PyTorch's kaiming_normal_ a plain one): same scale.
const notes: string[] = [];
const tfjs = await loadTfjs();
if (typeof tfjs === 'string') notes.push(`tfjs skipped: ${tfjs}`);
else {
  notes.push(...tfjs.skipped);
  const initializers = tfjs.tf.initializers as Record<string, (config: object) => { apply(shape: number[], dtype: string): TfTensor }>;
  const tfjsNames: Record<Name, string> = { kaimingNormal: 'heNormal', xavierUniform: 'glorotUniform' };
  for (const backendName of tfjs.backends) {
    tfjs.use(backendName);
    for (const name of NAMES) {
      const initializer = initializers[tfjsNames[name]]!({ seed: 1 });
      const run = () => {
        const weight = initializer.apply(SHAPE, 'float32');
        out.set(weight.dataSync());
        weight.dispose();
      };
      const msPerCall = time(run, 0, 2);
      const label = `tfjs ${tfjs.version} ${backendName} ${tfjsNames[name]}`;
      rows.push({ initializer: name, contender: label, msPerCall, median: median(msPerCall) });
      process.stderr.write(`${label}: ${median(msPerCall).toFixed(2)} ms\n`);
    }
  }
}

// ---- PyTorch ---------------------------------------------------------------------------------
interface PeerReport {
  torch: { version: string; threads: number } | null;
  skipped: string[];
  executable: string;
  results: { initializer: Name; contender: string; msPerCall: number[] }[];
}
let peer: PeerReport | null = null;
try {
  const stdout = execFileSync(PYTHON, [join(__dirname, 'init_peers.py'), '--shape', SHAPE.join(','), '--min-batch-ms', String(MIN_BATCH_MS), '--repetitions', String(REPETITIONS)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  peer = JSON.parse(stdout) as PeerReport;
  if (!peer.torch) notes.push(`PyTorch skipped: ${peer.skipped.join('; ')}`);
  for (const result of peer.results) rows.push({ ...result, median: median(result.msPerCall) });
} catch (error) {
  notes.push(`the Python peer did not run: ${(error as Error).message.split('\n')[0]}`);
}

// ---- Report ----------------------------------------------------------------------------------
const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
console.log(`# Initializers: [${SHAPE.join(', ')}] float32 (${SIZE} values), one thread\n`);
console.log(`- CPU: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} logical); Node ${process.version}; 1-minute load ${loadavg()[0]!.toFixed(2)}`);
console.log(`- kindling: ${native ? `native addon ${native.path}` : `no native addon (${reasons.join('; ')})`}`);
if (peer?.torch) console.log(`- PyTorch ${peer.torch.version} (${peer.executable}), torch.get_num_threads() = ${peer.torch.threads}`);
for (const note of notes) console.log(`- ${note}`);
console.log(`- median of ${REPETITIONS} batches of at least ${MIN_BATCH_MS} ms (fallback: one call; tfjs: 2 calls); both sides fill an existing array unless "allocating"\n`);
console.log('| initializer | contender | ms per call | ns per value | values/s | × PyTorch throughput |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const row of rows) {
  const torch = rows.find((r) => r.initializer === row.initializer && r.contender.startsWith('torch'));
  const ratio = torch ? torch.median / row.median : NaN;
  console.log(
    `| ${row.initializer} | ${row.contender} | ${fixed(row.median)} (${fixed(Math.min(...row.msPerCall))}–${fixed(Math.max(...row.msPerCall))}) | ` +
      `${fixed((row.median * 1e6) / SIZE)} | ${((SIZE / row.median) * 1e3).toExponential(2)} | ${fixed(ratio)} |`,
  );
}
if (native && peer?.torch) {
  const best = native.addon.supportedSimd.at(-1);
  console.log(`\nTarget: the loader's level (${best}), 1 thread, into out, at least 2× PyTorch's throughput:`);
  for (const name of NAMES) {
    const mine = rows.find((r) => r.initializer === name && r.contender === `native ${best}, 1 thread, into out`)!;
    const torch = rows.find((r) => r.initializer === name && r.contender.startsWith('torch'))!;
    const ratio = torch.median / mine.median;
    console.log(`- ${name}: ${fixed(mine.median)} ms vs ${fixed(torch.median)} ms: ${fixed(ratio)}× — ${ratio >= 2 ? 'MET' : 'NOT MET'}`);
  }
}
if (native) native.addon.setThreads(native.addon.threads());
if (args.json) writeFileSync(args.json, `${JSON.stringify({ shape: SHAPE, repetitions: REPETITIONS, torch: peer?.torch ?? null, rows, notes }, null, 2)}\n`);
