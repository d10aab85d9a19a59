/**
 * The loader: the order of candidates, the reasons it gives, the environment switches, and the
 * package entry points. Each case runs in a fresh process, as a user's program would.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backend, loadNative } from '../lib/backend.js';
import { native, nativeExpected } from './helpers/backends.js';
import { ROOT, backendIn, runNode } from './helpers/child.js';

describe('backend() in this process', () => {
  it('follows the environment switches the suite runs under', () => {
    const info = backend();
    const forced = process.env.KINDLING_FORCE_JS === '1';
    expect(info.kind).toBe(forced || !native ? 'js' : 'native');
    if (forced) expect(info.reasons.join('\n')).toMatch(/KINDLING_FORCE_JS/);
    if (info.kind === 'native' && process.env.KINDLING_SIMD) expect(info.simd).toBe(process.env.KINDLING_SIMD);
  });

  it.runIf(nativeExpected)('loads the native addon (KINDLING_EXPECT_NATIVE=1: a broken native build fails the run)', () => {
    expect(native, 'the native addon did not load').not.toBeNull();
    expect(backend().kind).toBe('native');
  });
});

// The local build, found without the suite's own switches: these cases set their own.
const built = loadNative([], {});

// Vitest still collects a skipped describe, so nothing here may touch the addon outside a test.
describe.runIf(built)('the loader in a fresh process', () => {
  const native = built;
  const supported = native?.addon.supportedSimd ?? [];
  const best = supported[supported.length - 1];

  it('picks the local build at the best SIMD level the CPU supports, with no complaints', () => {
    const info = backendIn();
    expect(info).toMatchObject({ kind: 'native', simd: best, reasons: [] });
    expect(info.path).toBe(native!.path);
    expect(info.threads).toBeGreaterThanOrEqual(1);
  });

  it('serves the fallback with KINDLING_FORCE_JS=1 and says so', () => {
    const info = backendIn({ KINDLING_FORCE_JS: '1' });
    expect(info).toMatchObject({ kind: 'js', simd: null, path: null, supportedSimd: [] });
    expect(info.reasons.join('\n')).toMatch(/KINDLING_FORCE_JS/);
  });

  it.each(supported)('runs at KINDLING_SIMD=%s', (level) => {
    expect(backendIn({ KINDLING_SIMD: level })).toMatchObject({ kind: 'native', simd: level, reasons: [] });
  });

  it('refuses a level that is not compiled in, or not a level, with a reason', () => {
    const notCompiled = native!.addon.compiledSimd.includes('neon') ? 'avx2' : 'neon';
    for (const [requested, why] of [
      [notCompiled, /not compiled/],
      ['avx1024', /not a level/],
    ] as const) {
      const info = backendIn({ KINDLING_SIMD: requested });
      expect(info.simd).toBe(best);
      expect(info.reasons.join('\n')).toMatch(new RegExp(`KINDLING_SIMD=${requested} refused: ${why.source}`));
    }
  });

  it.runIf(native?.addon.compiledSimd.some((level) => !supported.includes(level)))(
    'refuses a compiled level this CPU cannot run, and never runs it',
    () => {
      const level = native!.addon.compiledSimd.find((l) => !supported.includes(l))!;
      const info = backendIn({ KINDLING_SIMD: level });
      expect(info.simd).toBe(best);
      expect(info.reasons.join('\n')).toMatch(/this CPU cannot run it/);
      expect(() => native!.addon.kernels(level)).toThrow(RangeError);
    },
  );

  it('caps threads with KINDLING_THREADS and ignores a bad value with a reason', () => {
    expect(backendIn({ KINDLING_THREADS: '1' }).threads).toBe(1);
    expect(backendIn({ KINDLING_THREADS: '3' }).threads).toBe(3);
    for (const bad of ['0', '1.5', 'many', '1000']) {
      const info = backendIn({ KINDLING_THREADS: bad });
      expect(info.kind).toBe('native');
      expect(info.reasons.join('\n')).toMatch(new RegExp(`KINDLING_THREADS=${bad} ignored`));
    }
  });

  it('tries KINDLING_NATIVE_PATH first, and goes on down the list when it fails', () => {
    expect(backendIn({ KINDLING_NATIVE_PATH: native!.path })).toMatchObject({ kind: 'native', path: native!.path });
    const missing = backendIn({ KINDLING_NATIVE_PATH: '/nonexistent/kindling.node' });
    expect(missing).toMatchObject({ kind: 'native', path: native!.path });
    expect(missing.reasons[0]).toMatch(/^KINDLING_NATIVE_PATH/);
  });

  it('never throws at import, even when the override is not a binary at all', () => {
    const garbage = join(scratch(), 'garbage.node');
    writeFileSync(garbage, 'not an ELF file');
    const info = backendIn({ KINDLING_NATIVE_PATH: garbage });
    expect(info.kind).toBe('native');
    expect(info.reasons.join('\n')).toMatch(/KINDLING_NATIVE_PATH/);
  });

  describe('an installed copy without a local build', () => {
    // A package folder like node_modules/kindling: package.json, dist/, and maybe prebuilds/.
    function installedCopy(prebuilds: Record<string, string> = {}): string {
      const dir = join(scratch(), 'kindling');
      mkdirSync(dir, { recursive: true });
      copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
      cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
      for (const [file, source] of Object.entries(prebuilds)) {
        const target = join(dir, 'prebuilds', `${process.platform}-${process.arch}`, file);
        mkdirSync(join(target, '..'), { recursive: true });
        copyFileSync(source, target);
      }
      return dir;
    }

    it('falls back to TypeScript with a reason for each candidate when nothing fits', () => {
      const info = backendIn({}, installedCopy());
      expect(info.kind).toBe('js');
      const reasons = info.reasons.join('\n');
      expect(reasons).toMatch(/local build: no kindling.node in .*build\/Release\/kindling.node/);
      expect(reasons).toMatch(/prebuilt: no folder/);
    });

    it.runIf(process.platform === 'linux')("loads the prebuilt binary named as prebuildify names it", () => {
      const dir = installedCopy({ 'kindling.glibc.node': native!.path, 'kindling.musl.node': join(ROOT, 'package.json') });
      const info = backendIn({}, dir);
      expect(info.kind).toBe('native');
      expect(info.path).toBe(join(dir, 'prebuilds', `${process.platform}-${process.arch}`, 'kindling.glibc.node'));
      expect(info.reasons.join('\n')).toMatch(/kindling\.musl\.node: built for musl, this system uses glibc/);
    });

    it.runIf(process.platform === 'linux')('passes over a prebuilt binary for another libc', () => {
      const info = backendIn({}, installedCopy({ 'kindling.musl.node': native!.path }));
      expect(info.kind).toBe('js');
      expect(info.reasons.join('\n')).toMatch(/built for musl/);
    });
  });

  it('gives require and import one and the same library', () => {
    const viaImport = runNode(
      "const esm = await import('kindling'); const { createRequire } = await import('node:module');" +
        "const cjs = createRequire(process.cwd() + '/')('kindling');" +
        'console.log(JSON.stringify({ same: esm.tanh === cjs.tanh, kind: esm.backend().kind, ' +
        'value: Array.from(esm.tanh(new Float32Array([0.5]))) }))',
      { esm: true },
    );
    expect(viaImport).toEqual({ same: true, kind: 'native', value: [Math.fround(Math.tanh(0.5))] });
  });
});

const scratchDirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-loader-'));
  scratchDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});
