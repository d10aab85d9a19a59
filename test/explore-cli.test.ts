/**
 * `kindling explore` (lib/cli.ts): options, output forms, errors, and the same output in child
 * processes on the native addon and on the fallback (KINDLING_FORCE_JS=1), as users run it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Io, main } from '../lib/cli.js';
import { explore } from '../lib/explore/index.js';
import { native } from './helpers/backends.js';
import { ROOT, backendIn, cleanEnv } from './helpers/child.js';

function run(args: string[], interactive = false): { code: number; stdout: string; stderr: string } {
  let [stdout, stderr] = ['', ''];
  const io: Io = { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), interactive };
  const code = main(args, io);
  return { code, stdout, stderr };
}

const SMALL = ['--depth', '3', '--width', '16', '--batch', '4'];
const work = mkdtempSync(join(tmpdir(), 'kindling-explore-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('kindling explore, in process', () => {
  it('--help prints the usage on stdout', () => {
    const { code, stdout, stderr } = run(['explore', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: kindling explore \[options\]/);
    expect(stdout).toContain('--init LIST');
    expect(stderr).toBe('');
  });

  it('--json prints what explore() returns, with non-finite numbers as null', () => {
    const args = [...SMALL, '--activation', 'relu,tanh', '--init', 'normal:std=3', '--init', 'eye', '--seed', '5', '--quiet', '--json'];
    const { code, stdout, stderr } = run(['explore', ...args]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const expected = explore({ depth: 3, width: 16, batch: 4, activations: ['relu', 'tanh'], initializers: ['normal:std=3', 'eye'], seed: 5 });
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(expected)));
    const overflow = run(['explore', '--depth', '40', '--width', '16', '--batch', '4', '--activation', 'relu', '--init', 'normal:std=50', '--no-recommend', '--quiet', '--json']);
    const layers = JSON.parse(overflow.stdout).configurations[0].layers;
    expect(layers.at(-1).std).toBeNull();
  });

  it('passes every option through', () => {
    const args = [...SMALL, '--activation', 'leaky_relu:negativeSlope=0.3', '--init', 'xavier_uniform_:gain=2', '--bias', 'constant:value=0.5', '--dtype', 'float64', '--seed', '9'];
    const trainArgs = ['--train', '--train-depth', '2', '--train-width', '6', '--steps', '10', '--learning-rate', '0.2'];
    const result = JSON.parse(run(['explore', ...args, ...trainArgs, '--no-recommend', '--quiet', '--json']).stdout);
    expect(result.settings).toEqual({
      depth: 3,
      width: 16,
      batch: 4,
      dtype: 'float64',
      seed: 9,
      bias: 'constant:value=0.5',
      activations: ['leakyRelu:negativeSlope=0.3'],
      initializers: ['xavierUniform:gain=2'],
    });
    expect(result.recommendations).toEqual([]);
    expect(result.training.settings).toMatchObject({ depth: 2, width: 6, steps: 10, learningRate: 0.2 });
    expect(result.training.runs[0].curve.steps.at(-1)).toBe(10);
  });

  it('shows progress on stderr, one line per run, or rewriting one line on a terminal', () => {
    const plain = run(['explore', ...SMALL, '--activation', 'tanh', '--init', 'zeros,eye']);
    expect(plain.stderr.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^explore: \[1\/3\] tanh × zeros \(\d+\.\d s\)$/),
      expect.stringMatching(/^explore: \[2\/3\] tanh × eye /),
      expect.stringMatching(/^explore: \[3\/3\] tanh × kaimingNormal:nonlinearity=tanh /),
      expect.stringMatching(/^explore: done in \d+\.\d s$/),
    ]);
    expect(plain.stdout).toMatch(/^kindling explore: 3 layers of 16 units/);
    const terminal = run(['explore', ...SMALL, '--activation', 'tanh', '--init', 'zeros'], true);
    expect(terminal.stderr).toMatch(/^\r\x1b\[2Kexplore: \[1\/2\].*\r\x1b\[2Kexplore: done in/s);
    expect(terminal.stderr.match(/\n/g)).toHaveLength(1);
  });

  it('--svg writes the chart', () => {
    const file = join(work, 'chart.svg');
    const { code, stderr } = run(['explore', ...SMALL, '--svg', file]);
    expect(code).toBe(0);
    expect(stderr).toContain(`explore: wrote ${file}`);
    expect(readFileSync(file, 'utf8')).toMatch(/^<svg [^]*<polyline [^]*<\/svg>\n$/);
  });

  it('reports a bad command line in one line with exit code 2', () => {
    const cases: [string[], RegExp][] = [
      [['explore', '--depth', '0'], /^kindling: Expected an integer from 1 to 1000 for depth but received 0 /],
      [['explore', '--depth', 'ten'], /^kindling: Expected a non-negative integer for --depth but received "ten" /],
      [['explore', '--init', 'xavier'], /^kindling: Expected one of zeros, .* for initializers\[0\] name but received "xavier" /],
      [['explore', '--init', 'normal:sd=1'], /^kindling: Expected one of mean, std for normal params but received an unknown option "sd" /],
      [['explore', '--activation', 'softmax'], /^kindling: Expected one of identity, .* for name but received "softmax" /],
      [['explore', '--bias', 'normal:std=-1'], /^kindling: Expected a number of at least 0 for std but received -1 /],
      [['explore', '--dtype', 'float16'], /^kindling: Expected "float32" or "float64" for dtype but received "float16" /],
      [['explore', '--steps', '5'], /^kindling: --train-depth, --train-width, --steps and --learning-rate need --train /],
      [['explore', '--train', '--learning-rate', 'fast'], /^kindling: Expected a number for --learning-rate but received "fast" /],
      [['explore', '--colour'], /^kindling: Unknown option '--colour'/],
      [['explain'], /^kindling: Expected the command "explore" for kindling but received "explain" /],
      [[], /^kindling: Expected the command "explore" for kindling but received no command /],
    ];
    for (const [args, pattern] of cases) {
      const { code, stdout, stderr } = run(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(pattern);
      expect(stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });

  it('fails with exit code 1, before the run, when the chart cannot be written', () => {
    const { code, stdout, stderr } = run(['explore', ...SMALL, '--svg', join(work, 'missing', 'chart.svg')]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^kindling: ENOENT: no such file or directory, open '.*chart\.svg'\n$/);
  });
});

describe('kindling explore, as a command in child processes', () => {
  const cli = join(ROOT, 'dist', 'cjs', 'cli.js');
  const args = ['explore', '--depth', '5', '--width', '64', '--batch', '8', '--activation', 'tanh,relu', '--init', 'zeros,normal:std=1,kaimingNormal,orthogonal', '--train', '--train-depth', '3', '--train-width', '8', '--steps', '40', '--json', '--quiet'];
  const runChild = (argv: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [cli, ...argv], { cwd: ROOT, env: cleanEnv(env), encoding: 'utf8' });

  it('starts with a #!/usr/bin/env node line, for the package.json bin', () => {
    expect(readFileSync(cli, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(manifest.bin).toEqual({ kindling: './dist/cjs/cli.js' });
  });

  it.skipIf(!native)(`prints the same JSON on the native addon and on the fallback${native ? '' : ' (skipped: the addon did not load)'}`, () => {
    expect(backendIn().kind).toBe('native');
    expect(backendIn({ KINDLING_FORCE_JS: '1' }).kind).toBe('js');
    const [onNative, onFallback] = [runChild(args), runChild(args, { KINDLING_FORCE_JS: '1' })];
    expect(onNative.status, onNative.stderr).toBe(0);
    expect(onFallback.status, onFallback.stderr).toBe(0);
    expect(onNative.stdout).toBe(onFallback.stdout);
    const result = JSON.parse(onNative.stdout);
    expect(result.configurations.map((c: { verdict: string }) => c.verdict)).toEqual(['symmetric', 'saturated', 'healthy', 'healthy', 'symmetric', 'exploding', 'healthy', 'healthy']);
  });

  it('names the backend in the report, and exits 2 without a stack trace on a bad option', () => {
    const text = runChild(['explore', '--depth', '2', '--width', '8', '--quiet'], { KINDLING_FORCE_JS: '1' });
    expect(text.stdout).toMatch(/^kindling explore: 2 layers of 8 units, batch 32, float32, seed 0, biases zeros \(js\)$/m);
    const bad = runChild(['explore', '--width', '0']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('kindling: Expected an integer from 1 to 8192 for width but received 0 (kindling explore --help lists the options)\n');
  });
});
