/**
 * The activations along an axis on a Float32Array of 1e6 elements viewed as [1000, 1000], one
 * thread: softmax along the last axis (rows of 1000) and the first (strided rows), logSoftmax,
 * glu, and softmax.backward, for the native kernels at every SIMD level this CPU runs, the
 * TypeScript fallback, a naive JavaScript loop, tfjs's softmax and logSoftmax on its CPU and
 * WebAssembly backends (bench/peers.ts), and PyTorch on the CPU when Debian's python3 has it. Times are CPU time per element (process.cpuUsage / time.process_time), which other work on
 * a shared machine disturbs less than wall time; both are printed.
 *
 *   npx tsc -p . && npx vite-node bench/axis.ts [--json results.json] [--min-batch-ms 300] [--no-tfjs]
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { FloatArray } from '../binding.js';
import { built, machine } from './harness.js';
import { type TfTensor, loadTfjs } from './peers.js';

const { loadNative } = built<typeof import('../lib/backend.js')>('backend.js');
const { createAxisActivations } = built<typeof import('../lib/axis-activations.js')>('axis-activations.js');
const { fallbackKernels } = built<typeof import('../lib/fallback/kernels.js')>('fallback/kernels.js');

const { values: args } = parseArgs({
  options: { json: { type: 'string' }, 'min-batch-ms': { type: 'string', default: '300' }, 'no-tfjs': { type: 'boolean', default: false } },
});
const ROWS = 1000;
const N = ROWS * ROWS;
const MIN_BATCH_NS = Number(args['min-batch-ms']) * 1e6;

type Case = 'softmax' | 'softmax axis 0' | 'logSoftmax' | 'glu' | 'softmax.backward';
const CASES: readonly Case[] = ['softmax', 'softmax axis 0', 'logSoftmax', 'glu', 'softmax.backward'];

const x = new Float32Array(N).map((_, i) => Math.sin(i * 12.9898) * 4);
const g = new Float32Array(N).map((_, i) => Math.cos(i * 78.233));
const out = new Float32Array(N);
const shape = [ROWS, ROWS];

/** [wall, cpu] nanoseconds per element of `run`, repeated for at least MIN_BATCH_NS. */
function measure(run: () => void): [number, number] {
  run();
  let reps = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < MIN_BATCH_NS) {
    run();
    reps++;
    elapsed = Number(process.hrtime.bigint() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  return [elapsed / reps / N, ((cpu.user + cpu.system) * 1e3) / reps / N];
}

function apiRuns(api: ReturnType<typeof createAxisActivations>): Record<Case, () => FloatArray> {
  return {
    softmax: () => api.softmax(x, { shape, out }),
    'softmax axis 0': () => api.softmax(x, { shape, axis: 0, out }),
    logSoftmax: () => api.logSoftmax(x, { shape, out }),
    glu: () => api.glu(x, { shape, out: out.subarray(0, N / 2) }),
    'softmax.backward': () => api.softmax.backward(g, x, { shape, out }),
  };
}

/** The loops a user would write without kindling. */
const naive: Record<Case, () => void> = {
  softmax: () => naiveSoftmax(1, ROWS),
  'softmax axis 0': () => naiveSoftmax(ROWS, 1),
  logSoftmax: () => {
    for (let r = 0; r < ROWS; r++) {
      let m = -Infinity;
      for (let k = 0; k < ROWS; k++) m = Math.max(m, x[r * ROWS + k]!);
      let s = 0;
      for (let k = 0; k < ROWS; k++) s += Math.exp(x[r * ROWS + k]! - m);
      const l = Math.log(s);
      for (let k = 0; k < ROWS; k++) out[r * ROWS + k] = x[r * ROWS + k]! - m - l;
    }
  },
  glu: () => {
    for (let r = 0; r < ROWS; r++) {
      for (let k = 0; k < ROWS / 2; k++) out[r * (ROWS / 2) + k] = x[r * ROWS + k]! / (1 + Math.exp(-x[r * ROWS + ROWS / 2 + k]!));
    }
  },
  'softmax.backward': () => {
    naiveSoftmax(1, ROWS);
    for (let r = 0; r < ROWS; r++) {
      let s = 0;
      for (let k = 0; k < ROWS; k++) s += g[r * ROWS + k]! * out[r * ROWS + k]!;
      for (let k = 0; k < ROWS; k++) out[r * ROWS + k] = out[r * ROWS + k]! * (g[r * ROWS + k]! - s);
    }
  },
};

/** Softmax of each row (stride = distance between a row's elements, step = between rows). */
function naiveSoftmax(stride: number, step: number): void {
  for (let r = 0; r < ROWS; r++) {
    const at = (k: number) => r * step + k * stride;
    let m = -Infinity;
    for (let k = 0; k < ROWS; k++) m = Math.max(m, x[at(k)]!);
    let s = 0;
    for (let k = 0; k < ROWS; k++) s += out[at(k)] = Math.exp(x[at(k)]! - m);
    for (let k = 0; k < ROWS; k++) out[at(k)]! /= s;
  }
}

const TORCH = `
import time, torch
torch.set_num_threads(1)
x = torch.randn(${ROWS}, ${ROWS}) * 4
g = torch.randn(${ROWS}, ${ROWS})
cases = {
  'softmax': lambda: torch.softmax(x, -1),
  'softmax axis 0': lambda: torch.softmax(x, 0),
  'logSoftmax': lambda: torch.log_softmax(x, -1),
  'glu': lambda: torch.nn.functional.glu(x, -1),
  'softmax.backward': lambda: torch._softmax_backward_data(g, torch.softmax(x, -1), -1, x.dtype),
}
# Warm-up over every case first: each call allocates its result, and the case timed first was
# measured up to several times slower than the same call timed later in the process.
for f in cases.values():
  t = time.perf_counter()
  while time.perf_counter() - t < 0.05: f()
for name, f in cases.items():
  reps = 0; c = time.process_time(); t = time.perf_counter()
  while time.perf_counter() - t < ${MIN_BATCH_NS / 1e9}: f(); reps += 1
  print(name, (time.perf_counter() - t) / reps / ${N} * 1e9, (time.process_time() - c) / reps / ${N} * 1e9)
`;

function torchTimes(): Map<string, [number, number]> | string {
  const run = spawnSync('/usr/bin/python3', ['-c', TORCH], { encoding: 'utf8' });
  if (run.status !== 0) return `PyTorch not measured (${(run.stderr || run.error?.message || '').trim().split('\n').pop()})`;
  const times = new Map<string, [number, number]>();
  for (const line of run.stdout.trim().split('\n')) {
    const parts = line.split(' ');
    const [cpu, wall] = [Number(parts.pop()), Number(parts.pop())];
    times.set(parts.join(' '), [wall, cpu]);
  }
  return times;
}

const native = loadNative([]);
native?.addon.setThreads(1);
const info = machine(native, 1);
console.log(JSON.stringify(info));
const rows: [string, Record<Case, [number, number]>][] = [];
const notes: string[] = [];
for (const level of native?.addon.supportedSimd ?? []) {
  const runs = apiRuns(createAxisActivations(native!.addon.kernels(level)));
  rows.push([`native ${level}`, Object.fromEntries(CASES.map((c) => [c, measure(runs[c])])) as Record<Case, [number, number]>]);
}
const fallbackRuns = apiRuns(createAxisActivations(fallbackKernels));
rows.push(['fallback', Object.fromEntries(CASES.map((c) => [c, measure(fallbackRuns[c])])) as Record<Case, [number, number]>]);
rows.push(['naive JS', Object.fromEntries(CASES.map((c) => [c, measure(naive[c])])) as Record<Case, [number, number]>]);
// PyTorch before tfjs: once loaded, tfjs's WebAssembly backend keeps threads of this process busy,
// which took the CPU from the Python process and made PyTorch look several times slower.
const torch = torchTimes();
// tfjs on a [1000, 1000] tensor made once; each call runs the op and reads the result into out.
const tfjs = args['no-tfjs'] ? '--no-tfjs' : await loadTfjs();
if (typeof tfjs === 'string') notes.push(`tfjs skipped: ${tfjs}`);
else {
  notes.push(...tfjs.skipped);
  for (const backendName of tfjs.backends) {
    tfjs.use(backendName);
    const tensor = tfjs.tf.tensor2d(x, [ROWS, ROWS]);
    const ops = tfjs.tf as unknown as Record<string, (t: TfTensor) => TfTensor>;
    const run = (op: string) => () => {
      const y = ops[op]!(tensor);
      out.set(y.dataSync());
      y.dispose();
    };
    const notOffered: [number, number] = [NaN, NaN];
    rows.push([
      `tfjs ${tfjs.version} ${backendName}`,
      { softmax: measure(run('softmax')), 'softmax axis 0': notOffered, logSoftmax: measure(run('logSoftmax')), glu: notOffered, 'softmax.backward': notOffered },
    ]);
    tensor.dispose();
  }
}
if (typeof torch === 'string') console.log(torch);
else rows.push(['PyTorch (1 thread)', Object.fromEntries(CASES.map((c) => [c, torch.get(c) ?? [NaN, NaN]])) as Record<Case, [number, number]>]);

const cell = ([wall, cpu]: [number, number]) => (Number.isNaN(wall) ? '—' : `${cpu.toFixed(2)} (${wall.toFixed(2)})`);
for (const note of notes) console.log(`- ${note}`);
console.log(`\nns per element, CPU time (wall time), float32, [${ROWS}, ${ROWS}], one thread\n`);
console.log(`| contender | ${CASES.join(' | ')} |`);
console.log(`| --- | ${CASES.map(() => '---').join(' | ')} |`);
for (const [label, times] of rows) console.log(`| ${label} | ${CASES.map((c) => cell(times[c])).join(' | ')} |`);
if (args.json) {
  const results = rows.flatMap(([contender, times]) =>
    CASES.filter((c) => !Number.isNaN(times[c][0])).map((c) => ({ case: c, contender, wallNsPerElement: times[c][0], cpuNsPerElement: times[c][1] })),
  );
  writeFileSync(args.json, `${JSON.stringify({ machine: info, rows: ROWS, minBatchNs: MIN_BATCH_NS, notes, results }, null, 2)}\n`);
}
