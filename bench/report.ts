/**
 * docs/benchmarks.md and docs/benchmarks/*.svg from one suite run (bench/suite.ts): machine and
 * versions, the targets of the kernel issues with met or missed, then each family's tables and
 * charts. Everything here is computed from the run's samples; nothing is typed in.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type Series, throughputChart } from './chart.js';
import type { Plan } from './families.js';
import { built } from './harness.js';
import { type Measurement, type Sample, aggregate } from './results.js';

export interface SuiteRun {
  readonly date: string;
  readonly command: string;
  readonly plan: Plan;
  readonly seconds: number;
  readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
  /** CPU time used outside the suite's own processes, in cores on average over the run (Linux; absent in older runs). */
  readonly otherWorkCores?: number;
  readonly peersDirectory: string | undefined;
  readonly notes: readonly string[];
  readonly families: readonly { readonly name: string; readonly title: string; readonly trials: number }[];
  /** Per family, one list of Samples per trial. */
  readonly samples: Readonly<Record<string, readonly (readonly Sample[])[]>>;
  /** Per family and job, each trial's JSON as its script wrote it. */
  readonly raw: Readonly<Record<string, readonly unknown[]>>;
}

/**
 * Whether other work shared the machine. The load average at the end counts the suite's own trials
 * (2-thread ones load both cores), so when the run measured it, CPU time spent outside the suite
 * decides: more than a tenth of a core on average makes the numbers noisy.
 */
function quietness(run: SuiteRun): string {
  const load = `1-minute load average ${run.loadAverage.start[0]!.toFixed(2)} at the start and ${run.loadAverage.end[0]!.toFixed(2)} at the end`;
  const noisy = ': **other work was running on the machine, so the numbers below are noisy, and the 2-thread rows most of all.**';
  if (run.otherWorkCores === undefined) return load + (run.loadAverage.start[0]! > 0.5 || run.loadAverage.end[0]! > 0.5 ? noisy : '.');
  const other = `; CPU time used outside the suite's processes during the run: ${run.otherWorkCores.toFixed(2)} cores on average (/proc/stat)`;
  return load + other + (run.otherWorkCores > 0.1 ? noisy : ', so the machine was otherwise idle.');
}

interface Machine {
  cpu: string;
  logicalCpus: number;
  physicalCores: number;
  node: string;
  v8: string;
  supportedSimd: string[];
  compiledSimd: string[];
  defaultThreads: number | null;
}

// ---- formatting ------------------------------------------------------------------------------

const significant = (value: number) =>
  !Number.isFinite(value) ? '—' : value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value >= 1 ? value.toFixed(2) : value.toPrecision(2);
const ratio = (value: number | null) => (value === null || !Number.isFinite(value) ? '—' : `${significant(value)}×`);
const sizeLabel = (n: number) => (n < 1e4 ? String(n) : n.toExponential().replace('e+', 'e'));
const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
const header = (cells: readonly string[], align: readonly ('l' | 'r')[]) =>
  [row(cells), row(align.map((a) => (a === 'r' ? '--:' : '---')))].join('\n');
const cell = (m: Measurement | undefined) => (m ? `${significant(m.median)} <sub>${significant(m.min)}–${significant(m.max)}</sub>` : '—');
const verdict = (met: boolean | null) => (met === null ? 'not measured' : met ? '**met**' : '**missed**');
const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Raw JSON of a family's trials (all jobs), for the facts the samples do not carry. */
function rawOf(run: SuiteRun, family: string): unknown[] {
  return Object.entries(run.raw).flatMap(([key, trials]) => (key.startsWith(`${family}: `) ? [...trials] : []));
}

class Family {
  readonly all: Measurement[];
  constructor(samples: readonly (readonly Sample[])[] | undefined) {
    this.all = aggregate(samples ?? []);
  }
  get cases(): string[] {
    return [...new Set(this.all.map((m) => m.case))];
  }
  sizes(of?: string): number[] {
    return [...new Set(this.all.filter((m) => !of || m.case === of).map((m) => m.size))].sort((p, q) => p - q);
  }
  contenders(of?: string): string[] {
    return [...new Set(this.all.filter((m) => !of || m.case === of).map((m) => m.contender))];
  }
  find(of: string, size: number, predicate: (m: Measurement) => boolean): Measurement | undefined {
    return this.all.find((m) => m.case === of && m.size === size && predicate(m));
  }
  get empty(): boolean {
    return this.all.length === 0;
  }
}

// ---- the report ------------------------------------------------------------------------------

export function writeReport(run: SuiteRun, out: string): void {
  const chartsDirectory = join(dirname(out), 'benchmarks');
  mkdirSync(chartsDirectory, { recursive: true });
  const chartLink = (name: string, title: string, series: Series[], unit?: string) => {
    writeFileSync(join(chartsDirectory, `${name}.svg`), throughputChart(title, series, unit));
    return `![${title}](${basename(chartsDirectory)}/${name}.svg)`;
  };

  const machine = rawOf(run, 'activations').concat(rawOf(run, 'random'), rawOf(run, 'softmax')).map((json) => (json as { machine?: Machine }).machine).find(Boolean);
  const best = machine?.supportedSimd.at(-1) ?? null;
  const bestNative = (m: Measurement) => m.kind === 'native' && m.threads === 1 && m.contender.startsWith(`native ${best}`);
  const activations = new Family(run.samples.activations);
  const softmax = new Family(run.samples.softmax);
  const random = new Family(run.samples.random);
  const initializers = new Family(run.samples.initializers);
  const orthogonal = new Family(run.samples.orthogonal);
  const versions = peerVersions(run, [activations, softmax, random, initializers]);
  const lines: string[] = [];
  const say = (...text: string[]) => lines.push(...text);

  say(
    '# Benchmarks',
    '',
    `Generated by \`${run.command}\` on ${run.date.slice(0, 16).replace('T', ' ')} UTC, in ${(run.seconds / 60).toFixed(1)} minutes ` +
      `(${run.plan.quick ? '**quick plan**: few sizes, short batches, one trial — indicative only' : 'full plan'}). ` +
      quietness(run),
    '',
    'Regenerate everything on this page (tables, charts, `benchmarks/results.json`) with `npm run bench` on an idle machine; ' +
      '`npm run bench -- --quick` is a shorter run for development, and `npx vite-node bench/suite.ts --from docs/benchmarks/results.json` ' +
      'rewrites the page from saved results. bench/README.md describes each script and its method.',
    '',
    '## Machine and versions',
    '',
  );
  if (machine) {
    say(
      `- CPU: ${machine.cpu}, ${machine.logicalCpus} logical CPUs on ${machine.physicalCores} physical cores; SIMD levels it runs: ${machine.supportedSimd.join(', ')} ` +
        `(compiled: ${machine.compiledSimd.join(', ')}); the loader picks **${best}**; default threads ${machine.defaultThreads ?? '—'} (KINDLING_THREADS)`,
      `- Node ${machine.node} (V8 ${machine.v8})`,
    );
  }
  for (const [peer, version] of versions) say(`- ${peer}: ${version}`);
  say(`- JavaScript peers resolved from ${run.peersDirectory ?? '—'} (KINDLING_PEERS or --peers), never from the project's dependencies`);
  for (const note of run.notes) say(`- ${note}`);
  for (const note of familyNotes(run)) say(`- ${note}`);
  say(
    '',
    '## Method',
    '',
    `- Each trial is a fresh process (${run.families.map((f) => `${f.name}: ${f.trials}`).join(', ')} trials). Inside a trial every contender is checked ` +
      'against the fallback (bit for bit for kindling, within a tolerance for the others), calibrated to a minimum batch time (the warm-up), then ' +
      'timed in repetitions that visit every contender in turn, so that drift hits all of them alike.',
    '- Cells give the **median over trials of each trial\'s median**, in ns per element, with <sub>min–max</sub> over every repetition of every trial.',
    '- Inputs are the same arrays for every JavaScript contender; PyTorch and numpy (bench/*_peers.py) draw inputs of the same distribution and size in ' +
      'their own process during the same trial. Outputs are preallocated (`out`) unless a row says it allocates.',
    '- The copy limit is `out.set(x)` of the same arrays, one thread: a kernel at 1× copy time runs at the memory bandwidth one core gets.',
    '',
  );

  // ---- targets ----
  const targets = targetRows(activations, softmax, random, initializers, orthogonal, best, bestNative);
  say('## Targets of the kernel issues', '', header(['issue', 'target', 'measured', 'verdict'], ['l', 'l', 'l', 'l']));
  for (const t of targets) say(row([t.issue, t.target, t.measured, verdict(t.met)]));
  say('');

  // ---- activations ----
  if (!activations.empty) {
    say('## Element-wise activations', '', `Float32, forward, \`out\` preallocated, through the public API. At 1e6 elements (ns/element):`, '');
    const columns: [string, (m: Measurement) => boolean][] = [
      ['kindling auto', (m) => m.kind === 'auto'],
      [`native ${best}, 1 thread`, bestNative],
      ['fallback', (m) => m.kind === 'fallback'],
      ['naive JS', (m) => m.kind === 'naive'],
      ['tfjs cpu', (m) => m.kind === 'tfjs' && m.contender.endsWith(' cpu')],
      ['tfjs wasm', (m) => m.kind === 'tfjs' && m.contender.endsWith(' wasm')],
      ['PyTorch, 1 thread', (m) => m.kind === 'torch' && m.threads === 1],
      ['PyTorch, 2 threads', (m) => m.kind === 'torch' && m.threads === 2],
      ['numpy ufunc', (m) => m.kind === 'numpy'],
      ['copy', (m) => m.kind === 'copy'],
    ];
    const at = 1e6;
    say(header(['activation', ...columns.map(([label]) => label)], ['l', ...columns.map((): 'r' => 'r')]));
    for (const name of activations.cases) say(row([name, ...columns.map(([, pick]) => cell(activations.find(name, at, pick)))]));
    say(
      '',
      `Ratios of native ${best} on 1 thread (the targets' terms): × fallback and × PyTorch are throughput ratios at 1e6 (above 1: kindling is faster); ` +
        '× copy is time over copy time (1: as fast as a copy).',
      '',
      header(['activation', '× fallback (1e6)', '× PyTorch 1 thread (1e6)', '× copy time (1e6)', '× copy time (1.6e7)', 'auto, 2 threads: × copy time (1.6e7)'], ['l', 'r', 'r', 'r', 'r', 'r']),
    );
    for (const name of activations.cases) {
      const mine = (size: number) => activations.find(name, size, bestNative);
      const of = (size: number, pick: (m: Measurement) => boolean) => activations.find(name, size, pick)?.median ?? NaN;
      const copy = (size: number) => of(size, (m) => m.kind === 'copy');
      say(
        row([
          name,
          ratio(of(at, (m) => m.kind === 'fallback') / (mine(at)?.median ?? NaN)),
          ratio(of(at, (m) => m.kind === 'torch' && m.threads === 1) / (mine(at)?.median ?? NaN)),
          ratio((mine(at)?.median ?? NaN) / copy(at)),
          ratio((mine(1.6e7)?.median ?? NaN) / copy(1.6e7)),
          ratio(of(1.6e7, (m) => m.kind === 'auto') / copy(1.6e7)),
        ]),
      );
    }
    say('', '### Throughput against size', '');
    for (const name of activations.cases) {
      say(chartLink(`activation-${slug(name)}`, `${name}, float32 forward`, seriesOf(activations, name)), '');
    }
    say('<details><summary>Every activation, contender and size (ns/element)</summary>', '');
    for (const name of activations.cases) say(`#### ${name}`, '', matrix(activations, name), '');
    say('</details>', '');
  }

  // ---- softmax ----
  if (!softmax.empty) {
    const cases = softmax.cases;
    say(
      '## Softmax along an axis',
      '',
      '[1000, 1000] float32 (rows of 1000 unless the axis is 0), one thread, CPU time per element (bench/axis.ts: less disturbed by other work than wall time). ' +
        'tfjs offers softmax and logSoftmax along the last axis only.',
      '',
      header(['contender', ...cases], ['l', ...cases.map((): 'r' => 'r')]),
    );
    for (const contender of softmax.contenders()) {
      say(row([contender, ...cases.map((c) => cell(softmax.find(c, 1e6, (m) => m.contender === contender)))]));
    }
    const torchSoftmax = softmax.find('softmax', 1e6, (m) => m.kind === 'torch');
    const mine = softmax.find('softmax', 1e6, (m) => m.contender === `native ${best}`);
    if (torchSoftmax && mine) say('', `Softmax over rows of 1000: native ${best} gives ${ratio(torchSoftmax.median / mine.median)} PyTorch's throughput (1 thread each).`);
    say('');
  }

  // ---- random ----
  if (!random.empty) {
    say(
      '## Random draws',
      '',
      'Generator draws through the public methods into preallocated arrays, against `Math.random` loops, @stdlib/random (MT19937), numpy\'s Generator ' +
        '(PCG64, its default, and Philox) and torch (1 and 2 threads). The fallback is timed up to 1e6 values only (it takes seconds a call at 1.6e7). ' +
        '`write` is `out.fill(0)`, `copy` is `out.set(src)`: the memory references.',
      '',
    );
    for (const name of random.cases) {
      say(`### ${name}`, '', chartLink(`random-${slug(name)}`, `${name}`, seriesOf(random, name), 'values/s'), '', matrix(random, name), '');
    }
  }

  // ---- initializers ----
  if (!initializers.empty) {
    const cases = initializers.cases;
    const size = initializers.sizes()[0]!;
    say(
      '## Initializers',
      '',
      `A [4096, 4096] float32 weight (${sizeLabel(size)} values), one thread, ms per call (and × PyTorch's throughput). ` +
        "tfjs's Keras-style initializers return a new tensor each call (read back into `out`); Keras's heNormal draws a truncated normal.",
      '',
      header(['contender', ...cases.flatMap((c) => [`${c} ms`, `× PyTorch`])], ['l', ...cases.flatMap((): ('r' | 'l')[] => ['r', 'r'])]),
    );
    for (const contender of initializers.contenders()) {
      const cells = cases.flatMap((c) => {
        const m = initializers.find(c, size, (x) => x.contender === contender);
        const torch = initializers.find(c, size, (x) => x.kind === 'torch');
        return m ? [`${significant((m.median * size) / 1e6)}`, ratio(torch ? torch.median / m.median : null)] : ['—', '—'];
      });
      say(row([contender, ...cells]));
    }
    say('');
  }

  if (!orthogonal.empty) {
    say('## Orthogonal initializer', '');
    for (const name of orthogonal.cases) say(`### ${name}`, '', chartLink(`orthogonal-${slug(name)}`, name, seriesOf(orthogonal, name)), '', matrix(orthogonal, name), '');
  }

  // ---- threads ----
  say(...threadsSection(activations, random, best, bestNative, machine?.defaultThreads ?? null));

  // ---- small arrays ----
  say(...smallArraysSection(run, activations, best, bestNative));

  // ---- server ----
  say(...serverSection(run));

  // ---- closing ----
  const met = targets.filter((t) => t.met === true);
  const missed = targets.filter((t) => t.met === false);
  say(
    '## Closing note',
    '',
    `Of ${targets.length} targets, ${met.length} were met and ${missed.length} missed in this run` +
      `${targets.length - met.length - missed.length > 0 ? ` (${targets.length - met.length - missed.length} not measured)` : ''}.`,
  );
  if (missed.length > 0) say('', 'Missed:', '', ...missed.map((t) => `- ${t.issue}: ${t.target} — measured ${t.measured}`));
  if (met.length > 0) say('', 'Met:', '', ...met.map((t) => `- ${t.issue}: ${t.target} — measured ${t.measured}`));
  say('');
  writeFileSync(out, `${lines.join('\n')}\n`);
}

// ---- pieces ----------------------------------------------------------------------------------

/** A contender × size table of one case. */
function matrix(family: Family, of: string): string {
  const sizes = family.sizes(of);
  const text = [header(['contender', ...sizes.map(sizeLabel)], ['l', ...sizes.map((): 'r' => 'r')])];
  for (const contender of family.contenders(of)) {
    text.push(row([contender, ...sizes.map((size) => cell(family.find(of, size, (m) => m.contender === contender)))]));
  }
  return text.join('\n');
}

function seriesOf(family: Family, of: string): Series[] {
  return family
    .contenders(of)
    .filter((contender) => !/ 2 threads$/.test(contender) || contender.startsWith('PyTorch') || contender.startsWith('torch') || contender.startsWith('native'))
    .map((contender) => ({
      label: contender.length > 38 ? `${contender.slice(0, 37)}…` : contender,
      points: family.all.filter((m) => m.case === of && m.contender === contender).map((m) => [m.size, 1e9 / m.median] as const),
      reference: family.all.some((m) => m.contender === contender && (m.kind === 'copy' || m.kind === 'write')),
    }));
}

interface Target {
  readonly issue: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | null;
}

function targetRows(
  activations: Family,
  softmax: Family,
  random: Family,
  initializers: Family,
  orthogonal: Family,
  best: string | null,
  bestNative: (m: Measurement) => boolean,
): Target[] {
  const targets: Target[] = [];
  const ns = (m: Measurement | undefined) => (m ? `${significant(m.median)} ns/el` : '—');
  for (const name of ['tanh', 'sigmoid', 'gelu', 'geluTanh', 'silu', 'elu', 'softplus', 'mish'].filter((n) => activations.cases.includes(n))) {
    const mine = activations.find(name, 1e6, bestNative);
    const torch = activations.find(name, 1e6, (m) => m.kind === 'torch' && m.threads === 1);
    const fallback = activations.find(name, 1e6, (m) => m.kind === 'fallback');
    const vsTorch = mine && torch ? torch.median / mine.median : null;
    const vsFallback = mine && fallback ? fallback.median / mine.median : null;
    targets.push({
      issue: '#3',
      target: `${name}, float32, 1e6, 1 thread: ≥ 1.5× PyTorch (1 thread)`,
      measured: vsTorch === null ? '—' : `${ratio(vsTorch)} (${ns(mine)} vs ${ns(torch)})`,
      met: vsTorch === null ? null : vsTorch >= 1.5,
    });
    targets.push({
      issue: '#3',
      target: `${name}, float32, 1e6, 1 thread: ≥ 10× the fallback`,
      measured: vsFallback === null ? '—' : `${ratio(vsFallback)} (fallback ${ns(fallback)})`,
      met: vsFallback === null ? null : vsFallback >= 10,
    });
  }
  for (const name of ['relu', 'relu6', 'leakyRelu', 'hardTanh'].filter((n) => activations.cases.includes(n))) {
    const mine = activations.find(name, 1.6e7, bestNative);
    const copy = activations.find(name, 1.6e7, (m) => m.kind === 'copy');
    const times = mine && copy ? mine.median / copy.median : null;
    targets.push({
      issue: '#3',
      target: `${name}, float32, 1.6e7: ≤ 1.25× the copy time`,
      measured: times === null ? '—' : `${ratio(times)} (${ns(mine)} vs copy ${ns(copy)}; native ${best}, 1 thread)`,
      met: times === null ? null : times <= 1.25,
    });
  }
  const torchSoftmax = softmax.find('softmax', 1e6, (m) => m.kind === 'torch');
  const mySoftmax = softmax.find('softmax', 1e6, (m) => m.contender === `native ${best}`);
  if (!softmax.empty) {
    targets.push({
      issue: '#3',
      target: 'softmax, rows of 1000, float32, 1e6, 1 thread: faster than PyTorch (1 thread)',
      measured: torchSoftmax && mySoftmax ? `${ratio(torchSoftmax.median / mySoftmax.median)} (${ns(mySoftmax)} vs ${ns(torchSoftmax)}, CPU time)` : '—',
      met: torchSoftmax && mySoftmax ? mySoftmax.median < torchSoftmax.median : null,
    });
  }
  // Small arrays: below each kernel's crossover both paths run the fallback, so the ratio is 1 up to
  // the noise of the measurement; the verdict allows 10 % for it.
  const small = activations.all.filter((m) => m.kind === 'auto' && m.size <= 4096);
  if (small.length > 0) {
    const worst = small
      .map((m) => ({ m, fallback: activations.find(m.case, m.size, (x) => x.kind === 'fallback') }))
      .filter((p) => p.fallback)
      .map((p) => ({ ...p, times: p.m.median / p.fallback!.median }))
      .reduce((p, q) => (q.times > p.times ? q : p));
    targets.push({
      issue: '#3',
      target: 'small arrays: the facade never slower than the pure-TS path (sizes ≤ 4096 measured; 10 % allowed for noise)',
      measured: `worst: ${worst.m.case} at ${worst.m.size}, auto takes ${ratio(worst.times)} the fallback's time`,
      met: worst.times <= 1.1,
    });
  }
  const uniform = random.find('uniform float32', 1.6e7, bestNative);
  const write = random.find('uniform float32', 1.6e7, (m) => m.kind === 'write');
  if (!random.empty) {
    targets.push({
      issue: '#4',
      target: 'uniform float32, 1.6e7, 1 thread: within 1.5× the time to write the array',
      measured: uniform && write ? `${ratio(uniform.median / write.median)} (${ns(uniform)} vs write ${ns(write)})` : '—',
      met: uniform && write ? uniform.median / write.median <= 1.5 : null,
    });
    const normal = random.find('normal float32', 1.6e7, bestNative);
    for (const [label, pick] of [
      ["numpy's Generator (PCG64).standard_normal(float32, out=)", (m: Measurement) => m.kind === 'numpy' && m.contender.includes('PCG64') && m.contender.includes('standard_normal')],
      ['torch.randn (1 thread)', (m: Measurement) => m.kind === 'torch' && m.threads === 1 && m.contender.includes('randn')],
    ] as const) {
      const peer = random.find('normal float32', 1.6e7, pick);
      targets.push({
        issue: '#4',
        target: `normal float32, 1.6e7, 1 thread: ≥ 2× ${label}`,
        measured: normal && peer ? `${ratio(peer.median / normal.median)} (${ns(normal)} vs ${ns(peer)})` : '—',
        met: normal && peer ? peer.median / normal.median >= 2 : null,
      });
    }
  }
  for (const name of initializers.cases) {
    const size = initializers.sizes(name)[0]!;
    const mine = initializers.find(name, size, (m) => m.contender === `native ${best}, 1 thread, into out`);
    const torch = initializers.find(name, size, (m) => m.kind === 'torch');
    targets.push({
      issue: 'initializers (bench/init.ts)',
      target: `${name}, [4096, 4096] float32, 1 thread: ≥ 2× PyTorch's throughput`,
      measured: mine && torch ? `${ratio(torch.median / mine.median)}` : '—',
      met: mine && torch ? torch.median / mine.median >= 2 : null,
    });
  }
  // #6: wall time of an n × n float32 orthogonal matrix, 1 thread, against its peers' at the same size.
  const mineOrthogonal = (size: number) => orthogonal.find('orthogonal float32', size, (m) => m.contender === `kindling native ${best} (1 thread)`);
  for (const n of orthogonal.sizes('orthogonal float32').map(Math.sqrt).filter((side) => side >= 1024)) {
    const mine = mineOrthogonal(n * n);
    for (const [peer, label, limit] of [
      ['numpy.linalg.qr (1 thread)', 'at most 1.5× the time of numpy.linalg.qr (1 thread)', 1.5],
      ['torch.nn.init.orthogonal_ (1 thread)', 'faster than torch.nn.init.orthogonal_ (1 thread)', 1],
    ] as const) {
      const theirs = orthogonal.find('orthogonal float32', n * n, (m) => m.contender === peer);
      const timeRatio = mine && theirs ? mine.median / theirs.median : null;
      targets.push({
        issue: '#6',
        target: `orthogonal, ${n} × ${n} float32, 1 thread: ${label}`,
        measured: timeRatio === null ? '—' : `${ratio(timeRatio)} the time (${significant((mine!.median * n * n) / 1e6)} ms vs ${significant((theirs!.median * n * n) / 1e6)} ms)`,
        met: timeRatio === null ? null : limit === 1 ? timeRatio < 1 : timeRatio <= limit,
      });
    }
  }
  const tfjsOrthogonal = orthogonal.all.find((m) => m.kind === 'tfjs');
  if (tfjsOrthogonal) {
    const mine = mineOrthogonal(tfjsOrthogonal.size);
    const side = Math.sqrt(tfjsOrthogonal.size);
    targets.push({
      issue: '#6',
      target: `orthogonal, ${side} × ${side}: ≥ 100× faster than TF.js`,
      measured: mine ? `${ratio(tfjsOrthogonal.median / mine.median)}` : '—',
      met: mine ? tfjsOrthogonal.median / mine.median >= 100 : null,
    });
  }
  return targets;
}

function threadsSection(activations: Family, random: Family, best: string | null, bestNative: (m: Measurement) => boolean, threads: number | null): string[] {
  const lines = [
    '## Threads',
    '',
    `Native ${best} on 1 thread against what users get by default (${threads ?? '?'} threads, KINDLING_THREADS; calls below the addon's split threshold ` +
      'run on one thread either way). Speed-up = 1-thread time / default time.',
    '',
    header(['case', 'size', '1 thread ns/el', `${threads} threads ns/el`, 'speed-up', 'copy ns/el (1 thread)'], ['l', 'r', 'r', 'r', 'r', 'r']),
  ];
  const efficiencies: number[] = [];
  for (const size of [1e6, 1.6e7]) {
    for (const name of activations.cases) {
      const one = activations.find(name, size, bestNative);
      const many = activations.find(name, size, (m) => m.kind === 'auto');
      const copy = activations.find(name, size, (m) => m.kind === 'copy');
      if (!one || !many) continue;
      if (size === 1e6) efficiencies.push(one.median / many.median / (threads ?? 1));
      lines.push(row([name, sizeLabel(size), significant(one.median), significant(many.median), ratio(one.median / many.median), copy ? significant(copy.median) : '—']));
    }
    for (const name of random.cases) {
      const one = random.find(name, size, bestNative);
      const many = random.find(name, size, (m) => m.kind === 'native' && m.contender.startsWith(`native ${best}`) && (m.threads ?? 1) > 1);
      const write = random.find(name, size, (m) => m.kind === 'write');
      if (one && many) lines.push(row([name, sizeLabel(size), significant(one.median), significant(many.median), ratio(one.median / many.median), write ? `write ${significant(write.median)}` : '—']));
    }
  }
  const efficiency = efficiencies.length > 0 ? efficiencies.sort((p, q) => p - q)[efficiencies.length >> 1]! : null;
  lines.push(
    '',
    '**Projection to more cores.** Work is split into equal contiguous chunks, one per thread, with no communication between them, and ' +
      'results do not depend on the thread count. So for a compute-bound kernel, time on p cores ≈ t₁ / (p · e), where t₁ is the 1-thread time and e the ' +
      'parallel efficiency measured here from 1 to 2 threads (e = t₁ / (2 · t₂)); no kernel can go below the time that the machine\'s memory bandwidth allows ' +
      '(8 bytes per float32 element, one read and one write): t ≥ 8 / B ns per element for a bandwidth of B GB/s over all cores. ' +
      'Measure B on the target machine (a multi-threaded copy); the 1-thread copy above is a lower bound for it. ' +
      (efficiency === null
        ? ''
        : `The median efficiency of the activations at 1e6 in this run is e = ${efficiency.toFixed(2)}` +
          (efficiency < 0.7 ? ' — low, because other processes shared the two cores during the run: measure it on an idle machine.' : '.')),
    '',
  );
  return lines;
}

interface CrossoverJson {
  level: string;
  crossovers: Record<string, number | 'Infinity'>;
  measured: { kernel: string; activation: string; dtype: string; pass: string; n: number; nativeNs: number; fallbackNs: number }[];
}

function smallArraysSection(run: SuiteRun, activations: Family, best: string | null, bestNative: (m: Measurement) => boolean): string[] {
  const lines = ['## Small arrays: per-call overhead and the crossover', ''];
  const sizes = activations.sizes().filter((size) => size <= 256);
  if (sizes.length > 0) {
    const columns: [string, (m: Measurement) => boolean][] = [
      ['kindling auto', (m) => m.kind === 'auto'],
      [`native ${best} (no routing)`, bestNative],
      ['fallback', (m) => m.kind === 'fallback'],
      ['naive JS', (m) => m.kind === 'naive'],
      ['tfjs cpu', (m) => m.kind === 'tfjs' && m.contender.endsWith(' cpu')],
      ['tfjs wasm', (m) => m.kind === 'tfjs' && m.contender.endsWith(' wasm')],
      ['PyTorch', (m) => m.kind === 'torch' && m.threads === 1],
    ];
    lines.push(
      'Nanoseconds per **call** (ns/element × size), median of the trials: the fixed cost of a call dominates here. ' +
        '"kindling auto" routes arrays below the crossover to the fallback; "native … (no routing)" always crosses into the addon.',
      '',
      header(['activation', 'size', ...columns.map(([label]) => label)], ['l', 'r', ...columns.map((): 'r' => 'r')]),
    );
    for (const name of activations.cases) {
      for (const size of sizes) {
        lines.push(row([name, String(size), ...columns.map(([, pick]) => {
          const m = activations.find(name, size, pick);
          return m ? significant(m.median * size) : '—';
        })]));
      }
    }
    lines.push('');
  }
  const crossover = rawOf(run, 'crossover')[0] as CrossoverJson | undefined;
  if (crossover) {
    const committed = built<typeof import('../lib/spec/crossovers.js')>('spec/crossovers.js').smallArrayCrossovers;
    lines.push(
      `The crossover (bench/crossover.ts, native ${crossover.level}): for each kernel, the shortest length from which a native call through the facade beats ` +
        'the fallback at every longer length measured, over float32 and float64, forward and backward. lib/spec/crossovers.ts holds the values the facade routes by ' +
        '(regenerate with `npx vite-node bench/crossover.ts --write` on an idle machine); the numbers that choose it, float32 forward, ns per call:',
      '',
      header(['kernel', 'committed', 'measured now', 'n = 1: native / fallback', 'n = 16', 'n = 64', 'n = 256'], ['l', 'r', 'r', 'r', 'r', 'r', 'r']),
    );
    for (const [kernel, now] of Object.entries(crossover.crossovers)) {
      const at = (n: number) => {
        const m = crossover.measured.find((x) => x.kernel === kernel && x.n === n && x.dtype === 'Float32Array' && x.pass === 'forward');
        return m ? `${m.nativeNs.toFixed(0)} / ${m.fallbackNs.toFixed(0)}` : '—';
      };
      lines.push(row([kernel, String(committed[kernel] ?? '—'), String(now), at(1), at(16), at(64), at(256)]));
    }
    lines.push('');
  }
  return lines;
}

interface ServerJson {
  batch: number;
  vocabulary: number;
  connections: number;
  autocannon: string;
  results: {
    mode: string;
    requests: number;
    requestsPerSecond: number;
    latencyMs: { p50: number; p99: number; max: number };
    failures: number;
    eventLoopDelayMs: { p50: number; p99: number; max: number; mean: number };
  }[];
  asyncCalls?: { call: string; onLoopMs: number; settledMs: number; eventLoopDelayMs: { p99: number; max: number } }[];
  freshArrayMs?: number;
}

function serverSection(run: SuiteRun): string[] {
  const server = rawOf(run, 'server')[0] as ServerJson | undefined;
  if (!server) return [];
  const describe: Record<string, string> = {
    sync: 'sync native: `softmax(logits, { shape })` on the event loop',
    promise: 'Promise native: `await softmax.async(...)` on the addon\'s threads',
    fallback: 'fallback: the sync path on the TypeScript kernels',
  };
  return [
    '## A server under load',
    '',
    `bench/server/server.ts: node:http, each request takes softmax over ${server.batch} × ${server.vocabulary} float32 logits (allocating its result) and ` +
      `draws one token per row from the generator's uniforms. bench/server/load.ts drives it with autocannon ${server.autocannon} on loopback, ` +
      `${server.connections} connections, a bounded number of requests after a warm-up, one server process per mode. Event-loop delay is ` +
      "perf_hooks.monitorEventLoopDelay in the server over the measured requests: its p50 counts the idle 1 ms samples too, so read p99 and max.",
    '',
    header(['mode', 'requests', 'requests/s', 'latency p50 (ms)', 'latency p99 (ms)', 'event-loop delay p50 / p99 / max (ms)', 'failures'], ['l', 'r', 'r', 'r', 'r', 'r', 'r']),
    ...server.results.map((r) =>
      row([
        describe[r.mode] ?? r.mode,
        String(r.requests),
        r.requestsPerSecond.toFixed(1),
        String(r.latencyMs.p50),
        String(r.latencyMs.p99),
        `${r.eventLoopDelayMs.p50.toFixed(1)} / ${r.eventLoopDelayMs.p99.toFixed(1)} / ${r.eventLoopDelayMs.max.toFixed(1)}`,
        String(r.failures),
      ]),
    ),
    '',
    ...(server.asyncCalls && server.asyncCalls.length > 0
      ? [
          'Large Promise calls alone (no HTTP; one after another in the load driver, medians of 20): the time each call spends on the event loop ' +
            'before it returns its Promise (validation, and the copy of its input, which the addon takes because JavaScript ' +
            'may detach an ordinary buffer meanwhile; a result bound for a given `out` is copied into it on the event loop when it settles), the time until it settles, ' +
            'and the event-loop delay meanwhile. The addon stages copies and results in memory that it recycles between large calls ' +
            '(native/staging.h), so their pages are not faulted in again on the event loop. Given no `out`, the addon makes the result array and ' +
            'the worker writes it in place (no JavaScript can reach it before it settles), so its fresh pages are faulted in off the event loop, ' +
            'but before the call settles. Views of a SharedArrayBuffer are used in place, without copies.' +
            (server.freshArrayMs === undefined
              ? ''
              : ` For scale, allocating a fresh 1.6e7-element Float32Array and writing it once took ${server.freshArrayMs.toFixed(1)} ms here ` +
                '(mostly page faults): a reused `out` settles sooner.'),
          '',
          header(['call', 'on the event loop (ms)', 'until settled (ms)', 'event-loop delay p99 / max (ms)'], ['l', 'r', 'r', 'r']),
          ...server.asyncCalls.map((a) =>
            row([a.call, a.onLoopMs.toFixed(2), a.settledMs.toFixed(2), `${a.eventLoopDelayMs.p99.toFixed(1)} / ${a.eventLoopDelayMs.max.toFixed(1)}`]),
          ),
          '',
        ]
      : []),
  ];
}

/** Versions of the peers that ran, from the contenders' labels and the scripts' reports. */
function peerVersions(run: SuiteRun, families: readonly Family[]): [string, string][] {
  const labels = families.flatMap((family) => family.contenders());
  const first = (pattern: RegExp) => labels.map((label) => pattern.exec(label)?.[1]).find(Boolean);
  const randomRaw = rawOf(run, 'random')[0] as { python?: { executable: string; numpy: { version: string } | null; torch: { version: string } | null }[] } | undefined;
  const python = randomRaw?.python?.[0];
  const out: [string, string][] = [];
  const torch = first(/^(?:PyTorch|torch) (\d[^\s,]*)/) ?? python?.torch?.version;
  out.push(['PyTorch', torch ? `${torch}${python ? ` (${python.executable})` : ''}` : 'not found: its rows are skipped']);
  out.push(['numpy', python?.numpy?.version ?? first(/^numpy (\d\S*)/) ?? 'not found: its rows are skipped']);
  out.push(['@tensorflow/tfjs', first(/^tfjs (\S+)/) ?? 'not found: its rows are skipped']);
  out.push(['@stdlib/random', first(/^@stdlib\/random (\S+)/) ?? 'not found: its rows are skipped']);
  return out;
}

/** Notes the scripts made (a peer skipped, a backend that did not start), once each. */
function familyNotes(run: SuiteRun): string[] {
  const notes = new Set<string>();
  for (const trials of Object.values(run.raw)) {
    for (const trial of trials) {
      for (const note of (trial as { notes?: string[] }).notes ?? []) notes.add(note);
      const pytorch = (trial as { pytorch?: { skipped: string[] } | null }).pytorch;
      for (const skipped of pytorch?.skipped ?? []) notes.add(`PyTorch: ${skipped}`);
    }
  }
  return [...notes];
}
