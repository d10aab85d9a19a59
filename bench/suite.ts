/**
 * The benchmark suite (`npm run bench`): every family of bench/families.ts, each trial in a fresh
 * process, then docs/benchmarks.md, its charts (docs/benchmarks/*.svg) and the raw numbers
 * (docs/benchmarks/results.json). See bench/README.md.
 *
 *   npm run bench                       # the full plan, about 15 minutes on an idle 2-core machine
 *   npm run bench -- --quick            # few sizes, short batches, one trial: a few minutes
 *   npx vite-node bench/suite.ts [--quick] [--only tanh,relu] [--families activations,random]
 *       [--trials 3] [--peers /work/peers] [--no-python] [--out docs/benchmarks.md]
 *       [--from docs/benchmarks/results.json]   # rewrite the docs from saved results, measuring nothing
 *
 * The library is loaded from dist/cjs (bench/harness.ts says why): `npm run bench` rebuilds it first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { busyTicks } from './harness.js';
import { DEFAULT_PEERS_DIRECTORY } from './peers.js';
import { type Plan, TARGET_ACTIVATIONS, families } from './families.js';
import { type SuiteRun, writeReport } from './report.js';
import type { Sample } from './results.js';

const root = resolve(__dirname, '..');
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    families: { type: 'string' },
    trials: { type: 'string' },
    peers: { type: 'string' },
    'no-python': { type: 'boolean', default: false },
    out: { type: 'string', default: 'docs/benchmarks.md' },
    from: { type: 'string' },
  },
});
const out = resolve(args.out!);
const rawPath = join(dirname(out), 'benchmarks', 'results.json');

if (args.from) {
  const run = JSON.parse(readFileSync(args.from, 'utf8')) as SuiteRun;
  writeReport(run, out);
  console.log(`wrote ${relative(process.cwd(), out)} from ${args.from}`);
  process.exit(0);
}

// Children resolve the JavaScript peers from here (bench/peers.ts).
process.env.KINDLING_PEERS = resolve(args.peers ?? process.env.KINDLING_PEERS ?? DEFAULT_PEERS_DIRECTORY);
const plan: Plan = { quick: args.quick!, activations: args.only ? args.only.split(',') : TARGET_ACTIVATIONS, python: !args['no-python'] };
const chosen = families.filter((family) => !args.families || args.families.split(',').includes(family.name));
const notes: string[] = [];
const runnable = chosen.filter((family) => {
  if (existsSync(join(root, family.script))) return true;
  notes.push(`${family.name}: skipped, ${family.script} is not there yet`);
  return false;
});
const trialsOf = (family: (typeof families)[number]) => (args.trials && family.trials(plan) > 1 ? Number(args.trials) : family.trials(plan));

// Trials are interleaved (trial 1 of every job, then trial 2, ...), so that a slow spell of the
// machine lands on one trial of many jobs instead of every trial of one.
const steps = runnable.flatMap((family) =>
  family.jobs(plan).flatMap((job) => Array.from({ length: trialsOf(family) }, (_, trial) => ({ family, job, trial }))),
);
steps.sort((p, q) => p.trial - q.trial);
const estimate = steps.reduce((sum, step) => sum + step.job.estimateSeconds, 0);
const minutes = (seconds: number) => `${Math.floor(seconds / 60)} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
console.log(
  `kindling benchmark suite (${plan.quick ? 'quick' : 'full'} plan): ${steps.length} child processes, estimated ${minutes(estimate)} on an idle 2-core machine; ` +
    `1-minute load average now ${loadavg()[0]!.toFixed(2)}`,
);
for (const note of notes) console.log(`- ${note}`);

const scratch = mkdtempSync(join(tmpdir(), 'kindling-bench-'));
const viteNode = join(root, 'node_modules', 'vite-node', 'vite-node.mjs');
const started = Date.now();
const loadAtStart = loadavg();
const ticksAtStart = busyTicks();
const trials = new Map<string, { family: string; job: string; json: unknown[] }>();
let estimatedDone = 0;
for (const [index, { family, job, trial }] of steps.entries()) {
  const elapsed = (Date.now() - started) / 1000;
  // Scale what is left by how this run compares with its estimate so far.
  const pace = estimatedDone > 0 ? elapsed / estimatedDone : 1;
  console.log(
    `[${index + 1}/${steps.length}] ${family.name}: ${job.label}, trial ${trial + 1}/${trialsOf(family)} ` +
      `(elapsed ${minutes(elapsed)}, about ${minutes((estimate - estimatedDone) * pace)} left)`,
  );
  const jsonPath = join(scratch, `${family.name}-${index}.json`);
  const child = spawnSync(process.execPath, [viteNode, join(root, family.script), ...job.args, '--json', jsonPath], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  estimatedDone += job.estimateSeconds;
  if (child.status !== 0 || !existsSync(jsonPath)) {
    const stderr = (child.stderr || child.error?.message || '').trim().split('\n');
    const why = stderr.find((line) => /^\s*\w*Error: /.test(line))?.trim() ?? stderr.slice(-3).join(' / ');
    notes.push(`${family.name} (${job.label}), trial ${trial + 1}: failed (exit ${child.status}): ${why}`);
    console.log(`  failed: ${why}`);
    continue;
  }
  const key = `${family.name}\u0000${job.label}`;
  const entry = trials.get(key) ?? { family: family.name, job: job.label, json: [] };
  entry.json.push(JSON.parse(readFileSync(jsonPath, 'utf8')));
  trials.set(key, entry);
}
rmSync(scratch, { recursive: true, force: true });

/** Cores' worth of CPU time used outside this suite during the run, on average (undefined off Linux). */
function otherWorkCores(): number | undefined {
  const ticksAtEnd = busyTicks();
  const ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
  if (!ticksAtStart || !ticksAtEnd) return undefined;
  const other = ticksAtEnd.machine - ticksAtStart.machine - (ticksAtEnd.ours - ticksAtStart.ours);
  return Math.max(0, other) / ticksPerSecond / ((Date.now() - started) / 1000);
}

const samples: Record<string, Sample[][]> = {};
for (const { family: name, json } of trials.values()) {
  const family = families.find((f) => f.name === name)!;
  samples[name] = [...(samples[name] ?? []), ...json.map((trial) => family.read(trial))];
}
const run: SuiteRun = {
  date: new Date().toISOString(),
  command,
  plan,
  seconds: (Date.now() - started) / 1000,
  loadAverage: { start: loadAtStart, end: loadavg() },
  otherWorkCores: otherWorkCores(),
  peersDirectory: process.env.KINDLING_PEERS,
  notes,
  families: runnable.map((family) => ({ name: family.name, title: family.title, trials: trialsOf(family) })),
  samples,
  raw: Object.fromEntries([...trials.values()].map(({ family, job, json }) => [`${family}: ${job}`, json])),
};
mkdirSync(dirname(rawPath), { recursive: true });
writeFileSync(rawPath, `${JSON.stringify(run)}\n`);
writeReport(run, out);
console.log(`done in ${minutes(run.seconds)}: wrote ${relative(process.cwd(), out)}, its charts and ${relative(process.cwd(), rawPath)}`);
