#!/usr/bin/env node
// npm run test:package: packs kindling as `npm publish` would, installs the tarball into fresh
// temporary projects as a user would, and checks each with a real `require` and a real `import`:
//
//   pack   the tarball holds dist/, prebuilds/, binding.d.ts, native/, CMakeLists.txt, README.md,
//          LICENSE and package.json, nothing else, and no install step (no install scripts, no
//          binding.gyp)
//   a      no compiler or cmake on PATH (only node and npm) and --ignore-scripts: the prebuilt
//          binary loads and backend().kind is 'native'
//   b      the prebuilt binary removed, or replaced by one tagged for musl only: the install (with
//          its scripts on, still without a compiler) succeeds and runs no build, every public
//          function works through the fallback, and backend().reasons says why
//   c      the types resolve for TypeScript users: module node16 and nodenext (a .cts that
//          requires, a .mts that imports) and moduleResolution bundler; then
//          @arethetypeswrong/cli and publint through npx, if they install (optional)
//   d      the README's from-source command builds the addon inside an installed copy that has
//          no prebuilt binary (skipped without cmake and a C++ compiler)
//   e      `npx kindling explore` (the package's bin) runs in the project of case a: its verdicts,
//          its JSON equal to this repository's on the fallback, and a bad option's exit code
//
// "Works" means: every export is called (every activation's forward, derivative and backward,
// sync and Promise, and every Generator draw), and each result equals, bit for bit, the result
// of this repository's dist/ on the TypeScript fallback. Needs a prebuilt binary for this
// platform (npm run prebuild) and the npm registry for the dependencies (bindings,
// node-addon-api). Prints PASS, FAIL or SKIP per case; exits 1 on any failure.
// `--keep` keeps the temporary projects.
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const platformDir = `${process.platform}-${process.arch}`;
const keep = process.argv.includes('--keep');

/** The from-source command the README documents, run as is in case d. */
const FROM_SOURCE = 'npx --yes cmake-js@8 compile -d node_modules/kindling';

// ---- reporting ----

let passed = 0;
let failed = 0;
let skipped = 0;

class Skip extends Error {}

async function step(id, title, body) {
  const started = Date.now();
  try {
    const detail = await body();
    passed++;
    console.log(`PASS ${id} ${title}${detail ? `: ${detail}` : ''} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return true;
  } catch (error) {
    if (error instanceof Skip) {
      skipped++;
      console.log(`SKIP ${id} ${title}: ${error.message}`);
    } else {
      failed++;
      console.log(`FAIL ${id} ${title}: ${error instanceof Error ? error.message : error}`);
    }
    return false;
  }
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

// ---- processes ----

/** process.env without npm's run-script variables and kindling's switches, plus `extra`. */
function cleanEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key.startsWith('KINDLING_') || key === 'INIT_CWD' || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

function run(command, args, { cwd, env = cleanEnv(), timeout = 600_000 } = {}) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout, maxBuffer: 256 * 1024 * 1024 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  return { ok: result.status === 0, status: result.status ?? result.signal, output, stdout: result.stdout ?? '', error: result.error };
}

function mustRun(label, command, args, options) {
  const result = run(command, args, options);
  if (!result.ok) {
    const why = result.error ? result.error.message : `exited with ${result.status}`;
    throw new Error(`${label} ${why}\n${indent(tail(result.output, 40))}`);
  }
  return result;
}

const tail = (text, lines) => text.trimEnd().split('\n').slice(-lines).join('\n');
const indent = (text) => text.replace(/^/gm, '    | ');

function findOnPath(name, path = process.env.PATH ?? '') {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

// ---- the consumer programs ----

// Calls every export and digests every result, so that runs on different backends, module
// systems and installs can be compared bit for bit. An export it does not know fails the run:
// a new public function must be added here.
const EXERCISE = String.raw`'use strict';
const { createHash } = require('node:crypto');

const GENERATOR_METHODS = ['bernoulli', 'bernoulliAsync', 'bits', 'bitsAsync', 'clone', 'foldIn', 'integers',
  'integersAsync', 'kernels', 'normal', 'normalAsync', 'offset', 'permutation', 'permutationAsync', 'split', 'state',
  'truncatedNormal', 'truncatedNormalAsync', 'uniform', 'uniformAsync'];

module.exports = async function exercise(k) {
  const digests = {};
  const covered = new Set();
  const put = (name, value) => {
    if (name in digests) throw new Error('digest ' + name + ' twice');
    // Every bit counts, except a NaN's sign and payload, which are not part of the contract
    // (docs/numerics.md): NaNs are made canonical first.
    if (value instanceof Float32Array || value instanceof Float64Array) value = value.map((v) => (Number.isNaN(v) ? NaN : v));
    digests[name] = ArrayBuffer.isView(value)
      ? value.constructor.name + '[' + value.length + '] ' +
        createHash('sha256').update(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)).digest('hex').slice(0, 24)
      : JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v + 'n' : v));
  };

  const info = k.backend();
  covered.add('backend');

  // Every activation: forward, derivative, backward, their Promise forms, and out=.
  const names = k.activationSpecs.map((spec) => spec.name);
  covered.add('activationSpecs').add('activations');
  if (JSON.stringify(Object.keys(k.activations).sort()) !== JSON.stringify([...names].sort())) {
    throw new Error('activations and activationSpecs disagree: ' + Object.keys(k.activations) + ' vs ' + names);
  }
  const n = 100003; // more than one thread's share
  const grid = Array.from({ length: n }, (_, i) => -30 + (60 * i) / n);
  grid.splice(0, 6, NaN, Infinity, -Infinity, 0, -0, 1e-40);
  for (const spec of k.activationSpecs) {
    const name = spec.name;
    const f = k.activations[name];
    // rrelu's export is the row plus its training mode, exercised below.
    if (name in k && name !== 'rrelu') {
      if (k[name] !== f) throw new Error('export ' + name + ' is not activations.' + name);
      covered.add(name);
    }
    // Each row's example parameters (its defaults unless it names others).
    const params = Object.fromEntries(spec.params.map((param, i) => [param.name, spec.example ? spec.example[i] : param.default]));
    for (const Type of [Float32Array, Float64Array]) {
      const x = Type.from(grid);
      const g = Type.from(grid).reverse();
      const t = Type.name;
      put(name + '(' + t + ')', f(x, params));
      put(name + '.derivative(' + t + ')', f.derivative(x, params));
      put(name + '.backward(' + t + ')', f.backward(g, x, params));
      put(name + '.async(' + t + ')', await f.async(x, params));
      put(name + '.derivative.async(' + t + ')', await f.derivative.async(x, params));
      put(name + '.backward.async(' + t + ')', await f.backward.async(g, x, params));
      if (spec.fromOutput) {
        const y = f(x, params);
        put(name + '.backwardFromOutput(' + t + ')', f.backwardFromOutput(g, y, params));
        put(name + '.backwardFromOutput.async(' + t + ')', await f.backwardFromOutput.async(g, y, params));
      }
      const out = new Type(n);
      if (f(x, { ...params, out }) !== out) throw new Error(name + ' did not return out');
      put(name + '(' + t + ', { out })', out);
    }
  }
  // Along an axis: every row of the axis table, forward, backward (and from the output), masked.
  covered.add('axisActivationSpecs').add('axisActivations');
  for (const spec of k.axisActivationSpecs) {
    const name = spec.name;
    const f = k.axisActivations[name];
    if (k[name] !== f) throw new Error('export ' + name + ' is not axisActivations.' + name);
    covered.add(name);
    for (const Type of [Float32Array, Float64Array]) {
      const x = Type.from(grid.slice(0, 6 * 1000 * 4).map((v) => (Number.isFinite(v) ? v : 0)));
      const t = Type.name;
      const shape = [6, 1000, 4];
      for (const axis of [-1, 1]) {
        const options = { shape, axis };
        const y = f(x, options);
        put(name + '(' + t + ', axis ' + axis + ')', y);
        put(name + '.async(' + t + ', axis ' + axis + ')', await f.async(x, options));
        const g = new Type(y.length).map((_, i) => Math.sin(i));
        put(name + '.backward(' + t + ', axis ' + axis + ')', f.backward(g, x, options));
        if (spec.fromOutput) put(name + '.backwardFromOutput(' + t + ', axis ' + axis + ')', f.backwardFromOutput(g, y, options));
        if (spec.masked) {
          const mask = new Uint8Array(x.length).map((_, i) => (i % 3 === 0 ? 0 : 1));
          put(name + '(' + t + ', axis ' + axis + ', mask)', f(x, { ...options, mask }));
        }
      }
    }
  }

  // prelu with per-channel slopes, and rrelu's training mode from a seeded generator.
  covered.add('prelu').add('rrelu');
  for (const Type of [Float32Array, Float64Array]) {
    const x = Type.from(grid.slice(0, 99999));
    const weight = Type.from([0.1, -0.2, 0.3]);
    const g = Type.from(x).reverse();
    const options = { shape: [33333, 3], channelAxis: 1 };
    put('prelu(' + Type.name + ')', k.prelu(x, weight, options));
    put('prelu.async(' + Type.name + ')', await k.prelu.async(x, weight, options));
    const { gradInput, gradWeight } = k.prelu.backward(g, x, weight, options);
    put('prelu.backward(' + Type.name + ').gradInput', gradInput);
    put('prelu.backward(' + Type.name + ').gradWeight', gradWeight);
    const noise = new Type(x.length);
    put('rrelu(training, ' + Type.name + ')', k.rrelu(x, { training: true, generator: new k.Generator(5), noise }));
    put('rrelu(training, ' + Type.name + ').noise', noise);
    put('rrelu.backward(training, ' + Type.name + ')', k.rrelu.backward(g, x, { training: true, noise }));
    put('rrelu(eval, ' + Type.name + ')', k.rrelu(x));
  }

  // Lookup by other frameworks' names, parameters bound.
  covered.add('activation');
  const leaky = k.activation('leaky_relu', { negativeSlope: 0.2 });
  put('activation(leaky_relu)', leaky.forward(Float32Array.from(grid)));
  put('activation(leaky_relu).async.backward', await leaky.async.backward(Float64Array.from(grid), Float64Array.from(grid)));

  // Every Generator method and the default generator.
  const G = k.Generator;
  covered.add('Generator');
  const methods = Object.getOwnPropertyNames(G.prototype).filter((m) => m !== 'constructor').sort();
  const unknown = methods.filter((m) => !GENERATOR_METHODS.includes(m));
  if (unknown.length) throw new Error('Generator methods not exercised: ' + unknown.join(', ') + ' (extend scripts/test-package.mjs)');
  const g = new G(42);
  put('uniform', g.uniform(1000, { low: -1, high: 1 }));
  put('uniform(float64)', g.uniform(1000, { dtype: 'float64' }));
  put('uniformAsync', await g.uniformAsync(1000));
  put('normal', g.normal(1000, { std: 0.02 }));
  put('normal(float64)', g.normal(1000, { dtype: 'float64', mean: 1 }));
  put('normalAsync', await g.normalAsync(1000));
  put('truncatedNormal', g.truncatedNormal(1000, { a: -1, b: 2 }));
  put('truncatedNormal(absolute)', g.truncatedNormal(1000, { a: 0, b: 0.5, bounds: 'absolute', dtype: 'float64' }));
  put('truncatedNormalAsync', await g.truncatedNormalAsync(1000));
  put('integers', g.integers(1000, { low: 0, high: 6 }));
  put('integersAsync', await g.integersAsync(1000, { high: 2 ** 32 }));
  put('bernoulli', g.bernoulli(1000, { p: 0.3 }));
  put('bernoulliAsync', await g.bernoulliAsync(1000));
  put('bits', g.bits(1000));
  put('bitsAsync', await g.bitsAsync(1000));
  put('permutation', g.permutation(100));
  put('permutationAsync', await g.permutationAsync(100));
  put('slice', new G(42).normal(1000, { slice: [250, 500] }));
  put('offset', g.offset);
  if (typeof g.kernels.random !== 'function') throw new Error('generator.kernels is not a Kernels object');
  const [left, right] = g.split(2);
  put('split[0]', left.normal(8));
  put('split[1]', right.normal(8));
  put('foldIn', g.foldIn(7).normal(8));
  const state = JSON.parse(JSON.stringify(g.state()));
  put('state', state);
  put('fromState', G.fromState(state).normal(8));
  put('clone', g.clone().normal(8));
  if (digests.clone !== digests.fromState) throw new Error('clone and fromState disagree');
  put('next', g.normal(8));
  if (digests.next !== digests.clone) throw new Error('clone advanced its parent');
  put('manualSeed', k.manualSeed(0).normal(8));
  put('defaultGenerator', k.defaultGenerator().normal(8));
  covered.add('manualSeed').add('defaultGenerator');

  // Weight initializers, driven by their own spec table: each initializer (float32 and float64),
  // its Promise form, its recipe and fromRecipe; then the helpers, and the tables as JSON.
  if (k.init !== undefined) {
    covered.add('init');
    const init = k.init;
    const done = new Set(['fromRecipe', 'computeFans', 'calculateGain', 'initializers']);
    for (const spec of init.initializerSpecs) {
      const f = init[spec.name];
      if (typeof f !== 'function' || init.initializers[spec.name] !== f) throw new Error('init.' + spec.name + ' is not in init.initializers');
      done.add(spec.name);
      const ranks = spec.ranks ?? [2];
      const shape = ranks.includes(2) ? [24, 40] : ranks.includes(4) ? [8, 4, 3, 3] : [8, 4, 3].slice(0, ranks[0]);
      const options = {};
      for (const param of spec.params ?? []) {
        if (param.default !== undefined) continue; // a required parameter: any valid value
        options[param.name] =
          param.type === 'string' ? param.values[0]
          : param.min !== undefined && param.max !== undefined ? (param.min + param.max) / 2
          : param.type === 'integer' ? Math.max(1, param.min ?? 1)
          : (param.min ?? 0) + 0.5;
      }
      const name = 'init.' + spec.name;
      put(name, f(shape, { ...options, generator: new G(11) }));
      put(name + '(float64)', f(shape, { ...options, dtype: 'float64', generator: new G(11) }));
      put(name + '.async', await f.async(shape, { ...options, generator: new G(12) }));
      const recipe = JSON.parse(JSON.stringify(f.recipe(shape, { ...options, generator: new G(13) })));
      put(name + '.recipe', recipe);
      put('init.fromRecipe(' + spec.name + ')', init.fromRecipe(recipe));
      put('init.fromRecipe.async(' + spec.name + ')', await init.fromRecipe.async(recipe));
    }
    put('init.computeFans', [init.computeFans([24, 40, 3, 3]), init.computeFans([3, 3, 40, 24], 'keras')]);
    put('init.calculateGain', init.nonlinearities.map((nonlinearity) => init.calculateGain(nonlinearity)));
    for (const [name, value] of Object.entries(init)) {
      if (done.has(name)) continue;
      if (typeof value === 'function') throw new Error('init.' + name + ' not exercised (extend scripts/test-package.mjs)');
      put('init.' + name, value); // a table or constant
    }
  }

  // The init explorer: a small run with training, every number of its result digested.
  covered.add('explore');
  put('explore', k.explore({ depth: 3, width: 16, batch: 4, activations: ['tanh', 'relu'], initializers: ['zeros', 'kaimingNormal'], train: { depth: 2, width: 8, steps: 20 } }));

  const missed = Object.keys(k).filter((name) => name !== 'default' && !covered.has(name));
  if (missed.length) throw new Error('exports not exercised: ' + missed.join(', ') + ' (extend scripts/test-package.mjs)');
  return { kind: info.kind, simd: info.simd, path: info.path, reasons: info.reasons, exports: Object.keys(k).filter((name) => name !== 'default').sort(), digests };
};
`;

const CHECK_CJS = `const exercise = require('./exercise.cjs');
const kindling = require('kindling');
exercise(kindling).then((result) => console.log(JSON.stringify(result)), (error) => { console.error(error); process.exit(1); });
`;

const CHECK_MJS = `import exercise from './exercise.cjs';
import * as kindling from 'kindling';
import { Generator, backend, tanh } from 'kindling';
if (tanh !== kindling.tanh || Generator !== kindling.Generator || backend !== kindling.backend) throw new Error('named imports differ from the namespace');
console.log(JSON.stringify(await exercise(kindling)));
`;

/** Runs the CommonJS and the ES module consumer in `project`; both must agree. */
function consume(project, env) {
  writeFileSync(join(project, 'exercise.cjs'), EXERCISE);
  writeFileSync(join(project, 'check.cjs'), CHECK_CJS);
  writeFileSync(join(project, 'check.mjs'), CHECK_MJS);
  const results = {};
  for (const file of ['check.cjs', 'check.mjs']) {
    const result = mustRun(`node ${file}`, process.execPath, [file], { cwd: project, env });
    results[file] = JSON.parse(result.stdout.trim().split('\n').pop());
  }
  return results;
}

/** The differences between a consumer's digests and the reference's. */
function compareDigests(result, reference, label) {
  const names = new Set([...Object.keys(reference.digests), ...Object.keys(result.digests)]);
  const differing = [...names].filter((name) => reference.digests[name] !== result.digests[name]);
  check(
    differing.length === 0,
    `${label}: ${differing.length} of ${names.size} results differ from the reference, e.g. ${differing.slice(0, 3).join(', ')}`,
  );
  return names.size;
}

// ---- projects ----

function newProject(work, name) {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `kindling-consumer-${name}`, version: '1.0.0', private: true }, null, 2));
  return realpathSync(dir);
}

function npmInstall(project, npm, args, env) {
  return mustRun(`npm install ${args.join(' ')}`, npm, ['install', '--no-audit', '--no-fund', ...args], { cwd: project, env });
}

// ---- main ----

const work = realpathSync(mkdtempSync(join(tmpdir(), 'kindling-package-')));
console.log(`test:package in ${work}${keep ? ' (kept)' : ''}`);
let tarball;
let reference;
const installed = join('node_modules', 'kindling');
const prebuilt = join('prebuilds', platformDir, process.platform === 'linux' ? 'kindling.glibc.node' : 'kindling.node');

try {
  // A PATH with node and npm only: no compiler, no cmake, no make, not even a shell.
  const bin = join(work, 'bin');
  mkdirSync(bin);
  const npmCli = process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath) ? process.env.npm_execpath : findOnPath('npm');
  check(npmCli, 'npm not found');
  symlinkSync(process.execPath, join(bin, 'node'));
  symlinkSync(realpathSync(npmCli), join(bin, 'npm'));
  const bare = cleanEnv({ PATH: bin });
  const tools = ['cc', 'c++', 'gcc', 'g++', 'clang', 'clang++', 'cmake', 'make', 'ninja', 'sh'];
  const leaked = tools.filter((tool) => findOnPath(tool, bin));
  check(leaked.length === 0, `the bare PATH still finds ${leaked.join(', ')}`);
  const npmBare = join(bin, 'npm');

  await step('ref', "reference results: this repository's dist/ on the TypeScript fallback", () => {
    check(existsSync(join(root, 'dist', 'cjs', 'index.js')), 'no dist/ (run npm run build:ts)');
    const project = newProject(work, 'reference');
    writeFileSync(join(project, 'exercise.cjs'), EXERCISE);
    const script = `require('./exercise.cjs')(require(${JSON.stringify(root)})).then((r) => console.log(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); })`;
    const result = mustRun('the reference', process.execPath, ['-e', script], { cwd: project, env: cleanEnv({ KINDLING_FORCE_JS: '1' }) });
    reference = JSON.parse(result.stdout.trim().split('\n').pop());
    return `${Object.keys(reference.digests).length} results from ${reference.exports.length} exports`;
  });

  await step('pack', 'npm pack: exactly the shipped files, no install step', () => {
    check(existsSync(join(root, prebuilt)), `no ${prebuilt} (run npm run prebuild first)`);
    const out = join(work, 'pack');
    mkdirSync(out);
    // As npm publish does: `prepare` builds dist/ (and the local addon) first.
    mustRun('npm pack', 'npm', ['pack', '--pack-destination', out], { cwd: root });
    const tgz = readdirSync(out).filter((file) => file.endsWith('.tgz'));
    check(tgz.length === 1, `expected one tarball, found ${tgz.join(', ') || 'none'}`);
    tarball = join(out, tgz[0]);
    const files = mustRun('tar -tzf', 'tar', ['-tzf', tarball])
      .stdout.split('\n')
      .filter((line) => line && !line.endsWith('/'))
      .map((line) => line.replace(/^package\//, ''));
    const allowed = [
      /^(package\.json|README\.md|LICENSE|CMakeLists\.txt|binding\.d\.ts)$/,
      /^dist\/.+\.(js|mjs|d\.ts|d\.mts)$/,
      /^prebuilds\/[\w-]+\/[\w.+-]+\.node$/,
      /^native\/.+\.(cc|h)$/,
    ];
    const extra = files.filter((file) => !allowed.some((pattern) => pattern.test(file)));
    check(extra.length === 0, `unexpected files in the package: ${extra.join(', ')}`);
    const walk = (dir) => readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
    const required = [
      'package.json', 'README.md', 'LICENSE', 'CMakeLists.txt', 'binding.d.ts', prebuilt,
      ...walk('native'),
      ...walk('dist').filter((file) => !file.endsWith('.map')),
    ];
    const missing = required.filter((file) => !files.includes(file));
    check(missing.length === 0, `missing from the package: ${missing.join(', ')}`);
    // What npm reads at install: no install scripts, no node-gyp (binding.gyp or gypfile).
    const manifest = JSON.parse(mustRun('tar -xzOf', 'tar', ['-xzOf', tarball, 'package/package.json']).stdout);
    const installScripts = ['preinstall', 'install', 'postinstall'].filter((name) => manifest.scripts?.[name]);
    check(installScripts.length === 0, `install scripts in the package: ${installScripts.join(', ')}`);
    check(!manifest.gypfile && !files.includes('binding.gyp'), 'the package would run node-gyp at install');
    // Every entry point the manifest names is in the package.
    const targets = [manifest.main, manifest.types, ...JSON.stringify(manifest.exports).match(/"\.\/[^"]+"/g).map((s) => JSON.parse(s))];
    const dangling = targets.map((target) => target.replace(/^\.\//, '')).filter((target) => !files.includes(target));
    check(dangling.length === 0, `entry points missing from the package: ${dangling.join(', ')}`);
    return `${relative(work, tarball)}, ${files.length} files, ${(statSync(tarball).size / 1024).toFixed(0)} KiB`;
  });
  check(tarball && reference, 'cannot test installs without the tarball and the reference');

  let nativeResult;
  let prebuiltProject;
  await step('a', 'prebuilt binary, no compiler or cmake on PATH, npm install --ignore-scripts', () => {
    const project = newProject(work, 'a-prebuilt');
    npmInstall(project, npmBare, ['--ignore-scripts', tarball], bare);
    const results = consume(project, bare);
    const expected = join(project, installed, prebuilt);
    for (const [file, result] of Object.entries(results)) {
      check(result.kind === 'native', `${file}: backend().kind is ${result.kind}: ${result.reasons.join('; ')}`);
      check(result.path === expected, `${file}: loaded ${result.path}, expected ${expected}`);
      compareDigests(result, reference, file);
    }
    nativeResult = results['check.cjs'];
    prebuiltProject = project;
    return `require and import: kind native, simd ${nativeResult.simd}, path <project>/${relative(project, nativeResult.path)}; ${Object.keys(nativeResult.digests).length} results equal the fallback's bits`;
  });

  // ---- e: the kindling command ----
  await step('e', 'npx kindling explore from the installed package (a small configuration)', () => {
    check(prebuiltProject, 'needs the project of case a');
    const npx = findOnPath('npx');
    check(npx, 'npx not found');
    const args = ['explore', '--depth', '4', '--width', '64', '--batch', '8', '--activation', 'tanh,relu', '--init', 'zeros,normal:std=0.01,kaimingNormal'];
    const text = mustRun('npx kindling explore', npx, ['--no', 'kindling', ...args], { cwd: prebuiltProject });
    const start = text.stdout.indexOf('\nSummary\n');
    const summary = text.stdout.slice(start, text.stdout.indexOf('\n\n', start + 1));
    const verdicts = [...summary.matchAll(/^  (tanh|relu) +(\S+) +(\w+)/gm)].map((m) => `${m[1]} × ${m[2]}: ${m[3]}`);
    const expected = ['tanh × zeros: symmetric', 'tanh × normal:std=0.01: vanishing', 'tanh × kaimingNormal: healthy', 'relu × zeros: symmetric', 'relu × normal:std=0.01: vanishing', 'relu × kaimingNormal: healthy'];
    check(JSON.stringify(verdicts) === JSON.stringify(expected), `verdicts ${verdicts.join(', ') || 'missing'}; expected ${expected.join(', ')}\n${indent(tail(text.stdout, 20))}`);
    check(/\(native \w+\)$/m.test(text.stdout.split('\n')[0]), `the report does not name the native backend: ${text.stdout.split('\n')[0]}`);
    check(/^explore: done in /m.test(text.output), 'no progress on stderr');
    // --json: the same bits as this repository's dist/ on the fallback.
    const json = mustRun('npx kindling explore --json', npx, ['--no', 'kindling', ...args, '--json', '--quiet'], { cwd: prebuiltProject });
    const fromRepository = mustRun('the reference explore', process.execPath, [join(root, 'dist', 'cjs', 'cli.js'), ...args, '--json', '--quiet'], {
      cwd: prebuiltProject,
      env: cleanEnv({ KINDLING_FORCE_JS: '1' }),
    });
    check(json.stdout === fromRepository.stdout, 'the JSON differs from the fallback reference');
    const bad = run(npx, ['--no', 'kindling', 'explore', '--depth', '0'], { cwd: prebuiltProject });
    const errorLines = bad.output.split('\n').filter((line) => line && !/^npm (warn|notice)/.test(line));
    check(bad.status === 2 && errorLines.length === 1 && /^kindling: Expected /.test(errorLines[0]), `a bad option gave exit ${bad.status}:\n${indent(bad.output)}`);
    return `${verdicts.length} verdicts as the theory predicts, JSON equals the fallback's, a bad option exits 2 in one line`;
  });

  const unusable = [
    ['b1', 'prebuilt binary removed', (dir) => rmSync(join(dir, prebuilt)), /prebuilt: no binary in .* fits this system/],
    [
      'b2',
      'prebuilt binary replaced by one tagged for musl only',
      (dir) => renameSync(join(dir, prebuilt), join(dir, 'prebuilds', platformDir, 'kindling.musl.node')),
      /kindling\.musl\.node: built for musl, this system uses glibc/,
    ],
  ];
  for (const [id, title, breakIt, why] of unusable) {
    if (id === 'b2' && process.platform !== 'linux') {
      await step(id, title, () => {
        throw new Skip('libc tags exist on Linux only');
      });
      continue;
    }
    await step(id, `${title}: install (scripts on, no compiler) succeeds, every function works on the fallback`, () => {
      const project = newProject(work, `${id}-fallback`);
      const install = npmInstall(project, npmBare, [tarball], bare);
      const dir = join(project, installed);
      check(!existsSync(join(dir, 'build')), `the install built something: ${join(dir, 'build')} exists\n${indent(tail(install.output, 20))}`);
      breakIt(dir);
      const results = consume(project, bare);
      for (const [file, result] of Object.entries(results)) {
        check(result.kind === 'js', `${file}: backend().kind is ${result.kind} (${result.path})`);
        check(result.reasons.some((reason) => why.test(reason)), `${file}: no reason matching ${why} in: ${result.reasons.join('; ')}`);
        check(result.reasons.some((reason) => /^local build: /.test(reason)), `${file}: no reason for the local build in: ${result.reasons.join('; ')}`);
        compareDigests(result, reference, file);
      }
      const reasons = results['check.cjs'].reasons.map((reason) => reason.split(project).join('<project>'));
      return `require and import: kind js, ${Object.keys(results['check.cjs'].digests).length} results equal the reference; reasons:\n${reasons.map((reason) => `       - ${reason}`).join('\n')}`;
    });
  }

  // ---- c: types ----
  await step('c1', 'types resolve: module node16 and nodenext (.cts require, .mts import), moduleResolution bundler', () => {
    const project = newProject(work, 'c-types');
    const typesNode = JSON.parse(readFileSync(join(root, 'node_modules', '@types', 'node', 'package.json'), 'utf8')).version;
    npmInstall(project, 'npm', ['--ignore-scripts', tarball, `@types/node@${typesNode}`], cleanEnv());
    const uses = `
const x = new Float32Array([-1, 0, 0.5]);
const y: Float32Array = tanh(x);
const z: Promise<Float64Array> = sigmoid.async(new Float64Array(3));
const grad: Float32Array = relu.backward(y, x, { out: new Float32Array(3) });
const slope: Float32Array = tanh.derivative(x);
const info: BackendInfo = backend();
const kind: 'native' | 'js' = info.kind;
const reasons: readonly string[] = info.reasons;
const generator = new Generator(42n);
const w: FloatArray = generator.normal(4, { std: 0.02 });
const i: Int32Array | Uint32Array = generator.integers(3, { high: 6 });
const saved: GeneratorState = generator.state();
const p: Promise<Int32Array> = Generator.fromState(saved).permutationAsync(5);
const names: string[] = activationSpecs.map((spec) => spec.name);
manualSeed(0);
const next: FloatArray = defaultGenerator().uniform(2);
// @ts-expect-error a string is not an array
tanh('x');
// @ts-expect-error integers needs { high }
generator.integers(3);
// @ts-expect-error out must match x's element type
tanh(x, { out: new Float64Array(3) });
export const used = [z, grad, slope, kind, reasons, w, i, p, names, next, activations];
`;
    const names = 'Generator, activationSpecs, activations, backend, defaultGenerator, manualSeed, relu, sigmoid, tanh';
    const typeNames = 'BackendInfo, FloatArray, GeneratorState';
    writeFileSync(
      join(project, 'use.cts'),
      `import kindling = require('kindling');\nconst { ${names} } = kindling;\ntype BackendInfo = kindling.BackendInfo;\ntype FloatArray = kindling.FloatArray;\ntype GeneratorState = kindling.GeneratorState;\n${uses}`,
    );
    writeFileSync(join(project, 'use.mts'), `import { ${names}, type ${typeNames.split(', ').join(', type ')} } from 'kindling';\n${uses}`);
    writeFileSync(join(project, 'use.ts'), `import { ${names}, type ${typeNames.split(', ').join(', type ')} } from 'kindling';\n${uses}`);
    const base = { target: 'ES2022', lib: ['ES2022'], strict: true, skipLibCheck: false, types: ['node'], noEmit: true };
    const configs = [
      ['node16', { ...base, module: 'node16', moduleResolution: 'node16' }, ['use.cts', 'use.mts'], ['dist/cjs/index.d.ts', 'dist/esm/index.d.mts']],
      ['nodenext', { ...base, module: 'nodenext', moduleResolution: 'nodenext' }, ['use.cts', 'use.mts'], ['dist/cjs/index.d.ts', 'dist/esm/index.d.mts']],
      ['bundler', { ...base, module: 'esnext', moduleResolution: 'bundler' }, ['use.ts'], ['dist/esm/index.d.mts']],
    ];
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const seen = [];
    for (const [name, compilerOptions, files, expected] of configs) {
      const config = join(project, `tsconfig.${name}.json`);
      writeFileSync(config, JSON.stringify({ compilerOptions, files }, null, 2));
      const result = run(process.execPath, [tsc, '-p', config, '--noEmit', '--traceResolution'], { cwd: project });
      const errors = result.stdout.split('\n').filter((line) => /error TS\d+/.test(line));
      check(result.ok, `tsc (${name}) failed:\n${indent(errors.join('\n') || tail(result.output, 20))}`);
      // Which declaration file each module system reached for 'kindling'.
      const resolved = [...result.stdout.matchAll(/Module name 'kindling' was successfully resolved to '([^']+)'/g)].map((m) => relative(join(project, installed), m[1]));
      for (const file of expected) check(resolved.includes(file), `tsc (${name}) resolved 'kindling' to ${resolved.join(', ') || 'nothing'}, not ${file}`);
      seen.push(`${name} → ${[...new Set(resolved)].join(' + ')}`);
    }
    return seen.join('; ');
  });

  // Optional linters, fetched by npx: skipped if they do not install.
  const linters = [
    ['c2', '@arethetypeswrong/cli', 'attw', (cwd) => ['--yes', '--package', '@arethetypeswrong/cli', '--', 'attw', '--format', 'table', tarball]],
    ['c3', 'publint', 'publint', (cwd) => ['--yes', '--package', 'publint', '--', 'publint', '--strict', '--pack', 'false', join(cwd, 'package')]],
  ];
  for (const [id, name, binName, args] of linters) {
    await step(id, `${name} (optional, through npx)`, () => {
      const cwd = join(work, `${id}-${binName}`);
      mkdirSync(cwd);
      mustRun('tar -xzf', 'tar', ['-xzf', tarball, '-C', cwd]);
      const probe = run('npx', ['--yes', '--package', name, '--', binName, '--version'], { cwd, timeout: 300_000 });
      if (!probe.ok) throw new Skip(`it did not install or run (${tail(probe.output, 1) || probe.status}); nothing was checked`);
      const result = run('npx', args(cwd), { cwd, timeout: 300_000 });
      const firstLine = probe.stdout.trim().split('\n')[0];
      const version = firstLine.includes(binName) ? firstLine : `${binName} ${firstLine}`;
      check(result.ok, `${version} found problems:\n${indent(tail(result.output, 60))}`);
      // Its verdict, without the tables and npm's warnings.
      const said = result.output
        .split('\n')
        .map((line) => line.replace(/\x1b\[[0-9;]*m/g, '').trim())
        .filter((line) => line && !/^npm (warn|notice)/.test(line) && !/[│┌└├─]/.test(line) && !/^"/.test(line));
      return `${version}: ${said.slice(0, 4).join(' / ')}`;
    });
  }

  // ---- d: from source ----
  await step('d', `from source with the README's command: ${FROM_SOURCE}`, () => {
    check(readFileSync(join(root, 'README.md'), 'utf8').includes(FROM_SOURCE), `README.md does not give the command ${FROM_SOURCE}`);
    const missingTools = ['cmake', 'c++'].filter((tool) => !findOnPath(tool));
    if (missingTools.length) throw new Skip(`no ${missingTools.join(' or ')} on PATH`);
    const project = newProject(work, 'd-from-source');
    npmInstall(project, 'npm', ['--ignore-scripts', tarball], cleanEnv());
    rmSync(join(project, installed, 'prebuilds'), { recursive: true });
    mustRun(FROM_SOURCE, 'sh', ['-c', FROM_SOURCE], { cwd: project });
    const results = consume(project, cleanEnv());
    const expected = join(project, installed, 'build', 'Release', 'kindling.node');
    for (const [file, result] of Object.entries(results)) {
      check(result.kind === 'native', `${file}: backend().kind is ${result.kind}: ${result.reasons.join('; ')}`);
      check(result.path === expected, `${file}: loaded ${result.path}, expected ${expected}`);
      compareDigests(result, reference, file);
    }
    return `require and import: kind native, simd ${results['check.cjs'].simd}, path <project>/${relative(project, expected)}`;
  });
} catch (error) {
  failed++;
  console.log(`FAIL test:package: ${error instanceof Error ? error.message : error}`);
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}

console.log(`test:package: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed ? 1 : 0);
