/**
 * orthogonal's speed: init.orthogonal([n, n]) into a float32 array (a float64 standard-normal draw,
 * kindling's CholeskyQR2 in float64, the float32 result) at n = 512, 1024, 2048, with 1 and 2 threads,
 * against numpy.linalg.qr of an n × n float64 matrix (Debian's numpy with OpenBLAS) and
 * torch.nn.init.orthogonal_ on an n × n float32 weight (bench/orthogonal_peers.py, BLAS threads set
 * through OPENBLAS_NUM_THREADS/OMP_NUM_THREADS and torch.set_num_threads), and TF.js's orthogonal
 * initializer (cpu backend; from $KINDLING_PEERS, default /work/peers/node_modules, or any resolvable
 * @tensorflow/tfjs) at 512.
 *
 * Targets (the issue): 1 thread, float32, 1024² and 2048²: at most 1.5× numpy.linalg.qr's time and
 * faster than torch's orthogonal_; at least 100× faster than TF.js at 512².
 *
 * Wall-clock medians need a quiet machine; the CPU-time columns (process CPU time per call, all
 * threads) are what to compare on a busy one.
 *
 *   npx tsc -p . && npx vite-node bench/orthogonal.ts [--quick] [--sizes 512,1024,2048] [--repetitions 3] [--no-tfjs] [--json out.json]
 *
 * --json writes the suite's shape (bench/results.ts: { machine, notes, results: Sample[] }, ns per
 * element of the n × n output, wall time), which `npm run bench` reports with the #6 targets.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Kernels } from '../binding.js';
import { PYTHON, built, machine } from './harness.js';
import { requirePeer } from './peers.js';
import { type Sample, median } from './results.js';

const { loadNative } = built<typeof import('../lib/backend.js')>('backend.js');
const { fallbackKernels } = built<typeof import('../lib/fallback/kernels.js')>('fallback/kernels.js');
const { Generator } = built<typeof import('../lib/random/generator.js')>('random/generator.js');
const init = built<typeof import('../lib/init/index.js')>('init/index.js');

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    repetitions: { type: 'string' },
    'no-tfjs': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const SIZES = (args.sizes ?? (args.quick ? '512,1024' : '512,1024,2048')).split(',').map(Number);
const REPETITIONS = Number(args.repetitions ?? (args.quick ? 2 : 3));
const TFJS_SIZE = 512;

interface Row {
  readonly contender: string;
  readonly n: number;
  readonly msPerCall: readonly number[];
  readonly cpuMsPerCall: readonly number[];
}
const rows: Row[] = [];
const notes: string[] = [];

/** Wall and process-CPU milliseconds of each of `repetitions` calls, after one warm-up call. */
function time(run: () => void, repetitions = REPETITIONS): { wall: number[]; cpu: number[] } {
  run();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    const [start, startCpu] = [process.hrtime.bigint(), process.cpuUsage()];
    run();
    const used = process.cpuUsage(startCpu);
    wall.push(Number(process.hrtime.bigint() - start) / 1e6);
    cpu.push((used.user + used.system) / 1e3);
  }
  return { wall, cpu };
}

const reasons: string[] = [];
const native = loadNative(reasons);
const defaultThreads = native?.addon.threads() ?? 1;

function kindling(label: string, kernels: Kernels, n: number, repetitions = REPETITIONS): void {
  const generator = new Generator(1, { kernels });
  const out = new Float32Array(n * n);
  const { wall, cpu } = time(() => void init.orthogonal([n, n], { generator, out }), repetitions);
  rows.push({ contender: label, n, msPerCall: wall, cpuMsPerCall: cpu });
  process.stderr.write(`${label} ${n}: ${median(wall).toFixed(1)} ms (cpu ${median(cpu).toFixed(1)} ms)\n`);
}

const top = native?.addon.supportedSimd.at(-1);
for (const n of SIZES) {
  if (native && top) {
    const levels = [...new Set([top, native.addon.supportedSimd.includes('avx2') ? 'avx2' : top])] as const;
    for (const threads of [1, 2]) {
      native.addon.setThreads(threads);
      for (const level of threads === 1 ? levels : [top]) {
        kindling(`kindling native ${level} (${threads} thread${threads > 1 ? 's' : ''})`, native.addon.kernels(level), n);
      }
    }
  }
  if (n <= 512) kindling('kindling fallback (TypeScript)', fallbackKernels, n, 1);
}
if (native) native.addon.setThreads(defaultThreads);

// ---- numpy and PyTorch -------------------------------------------------------------------------
interface PeerReport {
  numpy: { version: string; blas?: string } | null;
  torch: { version: string; threads: number } | null;
  skipped: string[];
  results: Row[];
}
const peers: PeerReport[] = [];
for (const threads of [1, 2]) {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  try {
    const stdout = execFileSync(
      PYTHON,
      [join(__dirname, 'orthogonal_peers.py'), '--sizes', SIZES.join(','), '--threads', String(threads), '--repetitions', String(REPETITIONS)],
      { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const peer = JSON.parse(stdout) as PeerReport;
    peers.push(peer);
    rows.push(...peer.results);
    if (threads === 1) for (const skipped of peer.skipped) notes.push(`skipped ${skipped}`);
  } catch (error) {
    notes.push(`the Python peer did not run with ${threads} thread(s): ${(error as Error).message.split('\n')[0]}`);
  }
}

// ---- TF.js -------------------------------------------------------------------------------------
if (!args['no-tfjs'] && SIZES.includes(TFJS_SIZE)) {
  // The part of TF.js used here (it is not a dependency of kindling, so no types are installed).
  interface Tfjs {
    version: { tfjs: string };
    setBackend(name: string): Promise<boolean>;
    initializers: { orthogonal(args: { gain: number; seed: number }): { apply(shape: number[], dtype: string): { dataSync(): unknown; dispose(): void } } };
  }
  const requireFrom = requirePeer();
  let tf: Tfjs | undefined;
  if (typeof requireFrom === 'string') notes.push(`TF.js skipped: ${requireFrom}`);
  else {
    try {
      tf = requireFrom('@tensorflow/tfjs') as Tfjs;
    } catch (error) {
      notes.push(`TF.js skipped: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  if (tf) {
    await tf.setBackend('cpu');
    const initializer = tf.initializers.orthogonal({ gain: 1, seed: 1 });
    const warn = console.warn;
    console.warn = () => {}; // its "Slowness may result" warning, once per call
    // One call, no warm-up: it takes minutes at 512².
    const { wall, cpu } = time(() => {
      const tensor = initializer.apply([TFJS_SIZE, TFJS_SIZE], 'float32');
      tensor.dataSync();
      tensor.dispose();
    }, 1);
    console.warn = warn;
    rows.push({ contender: `TF.js ${tf.version.tfjs} orthogonal (cpu backend)`, n: TFJS_SIZE, msPerCall: wall, cpuMsPerCall: cpu });
    process.stderr.write(`TF.js ${TFJS_SIZE}: ${median(wall).toFixed(0)} ms\n`);
  }
}

// ---- Report ------------------------------------------------------------------------------------
const fixed = (value: number | undefined, digits = 1) => (value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : '—');
const info = machine(native, defaultThreads);
console.log(`# orthogonal: n × n, float32 output\n`);
console.log(`- CPU: ${info.cpu} (${info.logicalCpus} logical, ${info.physicalCores} cores); Node ${info.node}; 1-minute load at start ${info.loadAverageAtStart.toFixed(2)}`);
console.log(`- kindling: ${native ? `native addon ${native.path}, levels ${info.supportedSimd.join(', ')}` : `no native addon (${reasons.join('; ')})`}`);
const [peer] = peers;
if (peer?.numpy) console.log(`- numpy ${peer.numpy.version}${peer.numpy.blas ? ` (${peer.numpy.blas})` : ''}`);
if (peer?.torch) console.log(`- PyTorch ${peer.torch.version}`);
for (const note of notes) console.log(`- ${note}`);
console.log(`- median of ${REPETITIONS} calls after a warm-up (fallback and TF.js: one call); CPU = process CPU time per call, all threads\n`);
console.log('| n | contender | ms per call (wall) | CPU ms per call | wall ÷ numpy (same threads) | wall ÷ torch (same threads) |');
console.log('| --- | --- | --- | --- | --- | --- |');
const threadsOf = (row: Row) => (/\(2 threads\)/.test(row.contender) ? 2 : 1);
const peerRow = (row: Row, name: string) => rows.find((r) => r.n === row.n && r.contender.startsWith(name) && threadsOf(r) === threadsOf(row));
for (const row of [...rows].sort((p, q) => p.n - q.n)) {
  const numpy = peerRow(row, 'numpy');
  const torch = peerRow(row, 'torch');
  console.log(
    `| ${row.n} | ${row.contender} | ${fixed(median(row.msPerCall))} | ${fixed(median(row.cpuMsPerCall))} | ` +
      `${numpy ? fixed(median(row.msPerCall) / median(numpy.msPerCall), 2) : '—'} | ${torch ? fixed(median(row.msPerCall) / median(torch.msPerCall), 2) : '—'} |`,
  );
}
if (native && top) {
  console.log(`\nTargets, the loader's level (${top}), 1 thread (wall; CPU time in brackets):`);
  for (const n of SIZES.filter((size) => size >= 1024)) {
    const mine = rows.find((r) => r.n === n && r.contender === `kindling native ${top} (1 thread)`)!;
    const numpy = rows.find((r) => r.n === n && r.contender === 'numpy.linalg.qr (1 thread)');
    const torch = rows.find((r) => r.n === n && r.contender === 'torch.nn.init.orthogonal_ (1 thread)');
    if (numpy) {
      const ratio = median(mine.msPerCall) / median(numpy.msPerCall);
      const cpuRatio = median(mine.cpuMsPerCall) / median(numpy.cpuMsPerCall);
      console.log(`- ${n}²: ${fixed(ratio, 2)}× numpy.linalg.qr's time (${fixed(cpuRatio, 2)}×; target ≤ 1.5×) — ${ratio <= 1.5 ? 'MET' : 'NOT MET'}`);
    }
    if (torch) {
      const ratio = median(mine.msPerCall) / median(torch.msPerCall);
      console.log(`- ${n}²: ${fixed(ratio, 2)}× torch.nn.init.orthogonal_'s time (target < 1×) — ${ratio < 1 ? 'MET' : 'NOT MET'}`);
    }
  }
  const tfjs = rows.find((r) => r.contender.startsWith('TF.js'));
  const mine = rows.find((r) => r.n === TFJS_SIZE && r.contender === `kindling native ${top} (1 thread)`);
  if (tfjs && mine) {
    const speedup = median(tfjs.msPerCall) / median(mine.msPerCall);
    console.log(`- ${TFJS_SIZE}²: ${fixed(speedup, 0)}× faster than TF.js (target ≥ 100×) — ${speedup >= 100 ? 'MET' : 'NOT MET'}`);
  }
}
if (args.json) {
  const kindOf = (contender: string) =>
    /^kindling native/.test(contender) ? 'native' : /fallback/.test(contender) ? 'fallback' : /^numpy/.test(contender) ? 'numpy' : /^torch/.test(contender) ? 'torch' : 'tfjs';
  const results: Sample[] = rows.map((row) => ({
    case: 'orthogonal float32',
    size: row.n * row.n,
    contender: row.contender,
    kind: kindOf(row.contender),
    threads: threadsOf(row),
    nsPerElement: row.msPerCall.map((ms) => (ms * 1e6) / (row.n * row.n)),
  }));
  writeFileSync(args.json, `${JSON.stringify({ machine: info, notes, results }, null, 2)}\n`);
}
