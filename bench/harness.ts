/**
 * What every benchmark shares: loading the library from its compiled build, and describing the
 * machine a run was measured on.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import type { Addon } from '../binding.js';

// The library is loaded from its compiled CommonJS build, the code users run. vite-node's
// transform of the TypeScript source turns every call between modules into a getter lookup, which
// slows the fallback by 20-40 % and would flatter the native-to-fallback ratios.
const requireBuilt = createRequire(__filename);

/** A module of dist/cjs, e.g. built<typeof import('../lib/backend.js')>('backend.js'). */
export function built<T>(path: string): T {
  try {
    return requireBuilt(`../dist/cjs/${path}`) as T;
  } catch (error) {
    throw new Error(`cannot load dist/cjs/${path} (run npx tsc -p . first): ${(error as Error).message}`);
  }
}

/** The CPU, Node and addon a run was measured with. */
export function machine(native: { addon: Addon; path: string } | null, defaultThreads: number) {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8').split('\n\n').filter((block) => block.trim());
  const field = (block: string, name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(block)?.[1];
  const cores = new Set(cpuinfo.map((block) => `${field(block, 'physical id')}/${field(block, 'core id')}`));
  return {
    cpu: field(cpuinfo[0] ?? '', 'model name') ?? cpus()[0]?.model ?? 'unknown',
    logicalCpus: cpuinfo.length || cpus().length,
    physicalCores: cores.size,
    node: process.version,
    v8: process.versions.v8,
    addon: native?.path ?? null,
    compiledSimd: native ? [...native.addon.compiledSimd] : [],
    supportedSimd: native ? [...native.addon.supportedSimd] : [],
    defaultThreads: native ? defaultThreads : null,
    // Other work on the machine takes cores from the thread pool: the multi-thread rows need an idle machine.
    loadAverageAtStart: loadavg()[0]!,
  };
}

/** The Python that runs the companion scripts: Debian's, which has python3-torch and python3-numpy, else the one on PATH. */
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/**
 * The options `{ ...parameters, out }` for an output array, made once per output as a caller's
 * literal would be. Spreading the parameters into a new object on every call cost V8 about 1.3 µs
 * (elu, softplus, leakyRelu, hardTanh), which the per-call tables once charged to kindling.
 */
export function optionsWithOut(parameters: Readonly<Record<string, number>>): (out: unknown) => object {
  let options: { out?: unknown } = { ...parameters };
  return (out) => {
    if (options.out !== out) options = { ...parameters, out };
    return options;
  };
}

/**
 * Clock ticks the whole machine has spent busy, and those this process and its waited-for children
 * have used (Linux's /proc), or undefined elsewhere. Their difference over a run is the other work
 * that ran meanwhile, which the load average cannot tell: it counts the suite's own trials too.
 */
export function busyTicks(): { machine: number; ours: number } | undefined {
  try {
    // cpu  user nice system idle iowait irq softirq steal ...
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const machine = cpu[0]! + cpu[1]! + cpu[2]! + cpu[5]! + cpu[6]! + cpu[7]!;
    // /proc/self/stat after "pid (comm) ": fields 3 (state) onwards; utime, stime, cutime, cstime are 14 to 17.
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return { machine, ours: fields[11]! + fields[12]! + fields[13]! + fields[14]! };
  } catch {
    return undefined;
  }
}
