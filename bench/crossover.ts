/**
 * The small-array crossover: for each element-wise kernel, the array length below which the
 * TypeScript fallback beats a native call through the public API (a native call has a fixed cost
 * of a few hundred ns; the fallback's is its per-element work). The facade routes shorter arrays
 * to the fallback, which gives the same bits, so it is never slower than the pure-TS path.
 *
 *   npx tsc -p . && npx vite-node bench/crossover.ts [--write] [--json results.json] [--only tanh,relu6]
 *
 * --write regenerates lib/spec/crossovers.ts from the measurement (on an idle machine). For each
 * kernel (its first row, with that row's example parameters), float32 and float64, lengths 1 to
 * 4096: the median of 7 batches of calls each way, round-robin; the crossover is the shortest
 * length from which the native call is faster at every longer length measured, the larger of the
 * two precisions, forward and backward.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { FloatArray } from '../binding.js';
import { built, machine, optionsWithOut } from './harness.js';

const { loadNative } = built<typeof import('../lib/backend.js')>('backend.js');
const { createActivations } = built<typeof import('../lib/activations.js')>('activations.js');
const { fallbackKernels } = built<typeof import('../lib/fallback/kernels.js')>('fallback/kernels.js');
const { activationSpecs, exampleOptions, kernelNames, kernelOf } = built<typeof import('../lib/spec/activations.js')>('spec/activations.js');

const { values: args } = parseArgs({
  options: { write: { type: 'boolean', default: false }, json: { type: 'string' }, only: { type: 'string' } },
});
if (args.write && args.only) throw new Error('--write needs every kernel: drop --only');
/** --only names activation rows: their kernels are measured (relu6 runs hardTanh's, silu swish's). */
const onlyKernels = args.only?.split(',').map((name) => {
  const spec = activationSpecs.find((row) => row.name === name);
  if (!spec) throw new Error(`--only: no activation ${name}`);
  return kernelOf(spec);
});
const LENGTHS = [1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 2048, 4096];
const REPETITIONS = 7;
const BATCH_NS = 4e6;

const native = loadNative([]);
if (!native) throw new Error('the native addon did not load: nothing to compare');
const level = native.addon.supportedSimd.at(-1)!;
const contenders = { native: createActivations(native.addon.kernels(level)), fallback: createActivations(fallbackKernels) };
type Call = (x: FloatArray, out: FloatArray, g: FloatArray) => unknown;

function nsPerCall(call: Call, x: FloatArray, out: FloatArray, g: FloatArray, calls: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) call(x, out, g);
  return Number(process.hrtime.bigint() - start) / calls;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

const crossovers: Record<string, number> = {};
const report: string[] = [];
/** Every median measured, for --json: the numbers each crossover was chosen from. */
const measured: { kernel: string; activation: string; dtype: string; pass: string; n: number; nativeNs: number; fallbackNs: number }[] = [];
for (const kernel of kernelNames.filter((name) => !onlyKernels || onlyKernels.includes(name))) {
  const spec = activationSpecs.find((row) => kernelOf(row) === kernel)!;
  const parameters = exampleOptions(spec);
  let crossover = 0;
  for (const Type of [Float32Array, Float64Array]) {
    for (const pass of ['forward', 'backward'] as const) {
      const calls = Object.fromEntries(
        Object.entries(contenders).map(([label, api]) => {
          const f = api[spec.name as keyof typeof api] as unknown as ((x: FloatArray, o: object) => FloatArray) & {
            backward: (g: FloatArray, x: FloatArray, o: object) => FloatArray;
          };
          const optionsFor = optionsWithOut(parameters);
          const call: Call = pass === 'forward' ? (x, out) => f(x, optionsFor(out)) : (x, out, g) => f.backward(g, x, optionsFor(out));
          return [label, call];
        }),
      ) as Record<'native' | 'fallback', Call>;
      const nativeWins: boolean[] = [];
      for (const n of LENGTHS) {
        const [low, high] = spec.interestingRange;
        const x: FloatArray = new Type(n).map((_, i) => low + ((high - low) * (((i * 7919) % n) + 0.5)) / n);
        const [out, g] = [new Type(n), x.slice().reverse()];
        const batch = Math.max(20, Math.round(BATCH_NS / (300 + 30 * n)));
        const samples = { native: [] as number[], fallback: [] as number[] };
        for (const label of ['native', 'fallback'] as const) nsPerCall(calls[label], x, out, g, batch); // warm-up
        for (let r = 0; r < REPETITIONS; r++) {
          for (const label of ['native', 'fallback'] as const) samples[label].push(nsPerCall(calls[label], x, out, g, batch));
        }
        nativeWins.push(median(samples.native) <= median(samples.fallback));
        measured.push({ kernel, activation: spec.name, dtype: Type.name, pass, n, nativeNs: median(samples.native), fallbackNs: median(samples.fallback) });
        if (n === 1 || n === 64 || n === 1024) report.push(`${spec.name} ${Type.name} ${pass} n=${n}: native ${median(samples.native).toFixed(0)} ns, fallback ${median(samples.fallback).toFixed(0)} ns`);
      }
      // The shortest length from which native wins at every longer length measured.
      let from = LENGTHS.length;
      while (from > 0 && nativeWins[from - 1]) from--;
      crossover = Math.max(crossover, from === LENGTHS.length ? Infinity : LENGTHS[from]!);
    }
  }
  crossovers[kernel] = crossover;
  process.stderr.write(`${kernel}: native from ${crossover} elements\n`);
}

const info = machine(native, native.addon.threads());
console.log(report.join('\n'));
console.log(`\nCrossovers (${info.cpu}, native ${level}):`, crossovers);

if (args.json) {
  const json = { machine: info, level, lengths: LENGTHS, repetitions: REPETITIONS, crossovers, measured };
  writeFileSync(args.json, `${JSON.stringify(json, (_, value) => (value === Infinity ? 'Infinity' : value), 2)}\n`);
}

if (args.write) {
  const target = join(__dirname, '..', 'lib', 'spec', 'crossovers.ts');
  const entries = Object.entries(crossovers).map(([kernel, n]) => `  ${kernel}: ${Number.isFinite(n) ? n : 'Infinity'},`);
  writeFileSync(
    target,
    `/**\n * Generated by bench/crossover.ts --write (${info.cpu}, native ${level}, Node ${info.node}): for each\n` +
      ` * element-wise kernel, the array length from which a native call through the facade is faster than\n` +
      ` * the TypeScript fallback. Shorter arrays run on the fallback, which gives the same bits.\n */\n` +
      `export const smallArrayCrossovers: Readonly<Record<string, number>> = {\n${entries.join('\n')}\n};\n`,
  );
  console.log(`wrote ${target}`);
}
