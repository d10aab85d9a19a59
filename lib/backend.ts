/**
 * The loader: picks the kernels every public function runs on, and says why. It never throws at
 * import; it tries, in order, the KINDLING_NATIVE_PATH override, the local build, and the
 * prebuilt binary for this platform in prebuildify's layout, then falls back to TypeScript, and
 * keeps a reason for every candidate it passed over.
 *
 * Environment switches, read once at load:
 *   KINDLING_FORCE_JS=1           use the TypeScript fallback
 *   KINDLING_SIMD=<level>         run native kernels at this level (refused, with a reason, if the CPU lacks it)
 *   KINDLING_THREADS=<n>          split large native calls across at most n threads
 *   KINDLING_NATIVE_PATH=<file>   try this binary first
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import bindings from 'bindings';
import type { Addon, Kernels, SimdLevel } from '../binding.js';
import { fallbackKernels } from './fallback/kernels.js';
import { kernelNames } from './spec/activations.js';

/** The binding.d.ts version this facade speaks; native/addon.cc's kAbiVersion must match. */
export const ABI_VERSION = 5;

export const SIMD_LEVELS: readonly SimdLevel[] = ['scalar', 'sse2', 'avx2', 'avx512', 'neon'];

export interface BackendInfo {
  /** 'native' when the addon loaded, 'js' when the TypeScript fallback serves. */
  readonly kind: 'native' | 'js';
  /** The SIMD level native kernels run at; null for the fallback. */
  readonly simd: SimdLevel | null;
  /** The binary that was loaded; null for the fallback. */
  readonly path: string | null;
  /** Threads a large native call is split across (1 for the fallback). */
  readonly threads: number;
  /** Levels this binary holds and this CPU can run (empty for the fallback). */
  readonly supportedSimd: readonly SimdLevel[];
  /** Why each earlier candidate, or a switch, was passed over or refused. */
  readonly reasons: readonly string[];
}

export interface NativeAddon {
  readonly addon: Addon;
  readonly path: string;
}

const requireNative = createRequire(__filename);

function packageRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'kindling') return dir;
    if (dirname(dir) === dir) throw new Error(`no kindling package.json above ${__dirname}`);
  }
}

function message(error: unknown): string {
  // bindings lists every path it tried; name the likely ones instead of the whole list.
  const tries = (error as { tries?: string[] } | null)?.tries;
  if (Array.isArray(tries)) return `no kindling.node in ${tries.filter((path) => /build/.test(path)).slice(0, 3).join(', ')} or elsewhere`;
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

/** Refuses a binary that does not speak this facade's contract (a stale build, another version). */
function checkAddon(addon: Addon, path: string): NativeAddon {
  if (addon.abiVersion !== ABI_VERSION) {
    throw new Error(`ABI version ${addon.abiVersion}, expected ${ABI_VERSION} (a stale build? run npm run build:native)`);
  }
  const probe = addon.kernels(addon.supportedSimd[0]!);
  const missing = kernelNames.filter((name) => !probe.activations.includes(name));
  if (missing.length > 0) throw new Error(`lacks the kernels ${missing.join(', ')} (a stale build?)`);
  return { addon, path };
}

function linuxLibc(): 'glibc' | 'musl' {
  try {
    if (readFileSync('/usr/bin/ldd', 'latin1').includes('musl')) return 'musl';
  } catch {
    // no ldd: ask the runtime
  }
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return header?.glibcVersionRuntime ? 'glibc' : 'musl';
}

/**
 * Prebuilt binaries for this platform, named as prebuildify names them
 * (prebuilds/<platform>-<arch>/kindling[.armv<n>][.<libc>].node), best match first.
 */
function prebuiltCandidates(root: string, reasons: string[]): string[] {
  const folder = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  if (!existsSync(folder)) {
    reasons.push(`prebuilt: no folder ${folder}`);
    return [];
  }
  const libc = process.platform === 'linux' ? linuxLibc() : undefined;
  const armVersion = (process.config.variables as { arm_version?: string }).arm_version;
  const matches: { path: string; tagged: boolean }[] = [];
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.node')).sort()) {
    const [name, ...tags] = file.slice(0, -'.node'.length).split('.');
    const libcTag = tags.find((tag) => tag === 'glibc' || tag === 'musl');
    const armTag = tags.find((tag) => tag.startsWith('armv'));
    const mismatch =
      name !== 'kindling'
        ? 'another module'
        : tags.some((tag) => tag.startsWith('abi'))
          ? 'not a Node-API build'
          : libcTag !== undefined && libcTag !== libc
            ? `built for ${libcTag}, this system uses ${libc ?? 'no libc tag'}`
            : armTag !== undefined && armTag !== `armv${armVersion}`
              ? `built for ${armTag}`
              : undefined;
    if (mismatch) reasons.push(`prebuilt ${join(folder, file)}: ${mismatch}`);
    else matches.push({ path: join(folder, file), tagged: libcTag !== undefined });
  }
  if (matches.length === 0) reasons.push(`prebuilt: no binary in ${folder} fits this system`);
  return matches.sort((p, q) => Number(q.tagged) - Number(p.tagged)).map((match) => match.path);
}

function tryLoad(label: string, load: () => { addon: Addon; path: string }, reasons: string[]): NativeAddon | null {
  let path = '';
  try {
    const loaded = load();
    path = loaded.path;
    return checkAddon(loaded.addon, path);
  } catch (error) {
    reasons.push(`${label}${path ? ` ${path}` : ''}: ${message(error)}`);
    return null;
  }
}

/** Loads the addon (Node caches the module), or returns null with the reasons why not. */
export function loadNative(reasons: string[], env: Readonly<Record<string, string | undefined>> = process.env): NativeAddon | null {
  const override = env.KINDLING_NATIVE_PATH;
  if (override) {
    const loaded = tryLoad('KINDLING_NATIVE_PATH', () => ({ addon: requireNative(override) as Addon, path: override }), reasons);
    if (loaded) return loaded;
  }
  let root: string;
  try {
    root = packageRoot();
  } catch (error) {
    reasons.push(`package root: ${message(error)}`);
    return null;
  }
  const local = tryLoad(
    'local build',
    () => {
      const addon = bindings({ bindings: 'kindling', module_root: root }) as Addon & { path: string };
      return { addon, path: addon.path };
    },
    reasons,
  );
  if (local) return local;
  for (const path of prebuiltCandidates(root, reasons)) {
    const loaded = tryLoad('prebuilt', () => ({ addon: requireNative(path) as Addon, path }), reasons);
    if (loaded) return loaded;
  }
  return null;
}

function isOn(value: string | undefined, name: string, reasons: string[]): boolean {
  if (value === undefined || value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  reasons.push(`${name}=${value} ignored: expected 1 or 0`);
  return false;
}

/** The level KINDLING_SIMD asks for, if the binary has it and the CPU runs it; else the best level. */
function chooseLevel(addon: Addon, requested: string | undefined, reasons: string[]): SimdLevel {
  const best = addon.supportedSimd[addon.supportedSimd.length - 1]!;
  if (!requested) return best;
  if (addon.supportedSimd.includes(requested as SimdLevel)) return requested as SimdLevel;
  const why = !SIMD_LEVELS.includes(requested as SimdLevel)
    ? `not a level (expected one of ${SIMD_LEVELS.join(', ')})`
    : !addon.compiledSimd.includes(requested as SimdLevel)
      ? 'not compiled into this binary'
      : 'this CPU cannot run it';
  reasons.push(`KINDLING_SIMD=${requested} refused: ${why}; using ${best}`);
  return best;
}

function applyThreads(addon: Addon, requested: string | undefined, reasons: string[]): void {
  if (!requested) return;
  const threads = Number(requested);
  if (Number.isInteger(threads) && threads >= 1 && threads <= 256) addon.setThreads(threads);
  else reasons.push(`KINDLING_THREADS=${requested} ignored: expected an integer from 1 to 256`);
}

export interface Selection {
  readonly kernels: Kernels;
  readonly info: BackendInfo;
}

/** Chooses the backend from the environment; never throws. */
export function selectBackend(env: Readonly<Record<string, string | undefined>> = process.env): Selection {
  const reasons: string[] = [];
  const fallback = (): Selection => ({
    kernels: fallbackKernels,
    info: Object.freeze({ kind: 'js', simd: null, path: null, threads: 1, supportedSimd: [], reasons }),
  });
  try {
    if (isOn(env.KINDLING_FORCE_JS, 'KINDLING_FORCE_JS', reasons)) {
      reasons.push('KINDLING_FORCE_JS=1: the TypeScript fallback was asked for');
      return fallback();
    }
    const native = loadNative(reasons, env);
    if (!native) return fallback();
    const { addon, path } = native;
    const simd = chooseLevel(addon, env.KINDLING_SIMD, reasons);
    applyThreads(addon, env.KINDLING_THREADS, reasons);
    return {
      kernels: addon.kernels(simd),
      info: Object.freeze({
        kind: 'native',
        simd,
        path,
        threads: addon.threads(),
        supportedSimd: Object.freeze([...addon.supportedSimd]),
        reasons,
      }),
    };
  } catch (error) {
    reasons.push(`native: ${message(error)}`);
    return fallback();
  }
}

let selected: Selection | undefined;

function selection(): Selection {
  return (selected ??= selectBackend());
}

/** The kernels public functions run on. */
export function activeKernels(): Kernels {
  return selection().kernels;
}

/** Which backend serves this process, at which SIMD level, from which file, and why. */
export function backend(): BackendInfo {
  const { info } = selection();
  return { ...info, supportedSimd: [...info.supportedSimd], reasons: [...info.reasons] };
}
