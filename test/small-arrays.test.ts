/**
 * Small arrays: the facade sends arrays shorter than a kernel's measured crossover
 * (lib/spec/crossovers.ts, from bench/crossover.ts) to the fallback, which gives the same bits.
 */
import { describe, expect, it } from 'vitest';
import type { Kernels } from '../binding.js';
import { createActivations } from '../lib/activations.js';
import { fallbackKernels } from '../lib/fallback/kernels.js';
import { smallArrayCrossovers } from '../lib/spec/crossovers.js';
import { kernelNames } from '../lib/spec/activations.js';
import { nativeBackends } from './helpers/backends.js';
import { firstDifference } from './helpers/numbers.js';

/** kernels with every entry point counting its calls. */
function counting(kernels: Kernels): { kernels: Kernels; calls: string[] } {
  const calls: string[] = [];
  const wrapped = Object.fromEntries(
    Object.entries(kernels).map(([key, value]) => [
      key,
      typeof value === 'function' ? (...args: unknown[]) => (calls.push(key), (value as (...a: unknown[]) => unknown).apply(kernels, args)) : value,
    ]),
  ) as unknown as Kernels;
  return { kernels: wrapped, calls };
}

describe('small arrays', () => {
  it('has a measured crossover for every element-wise kernel', () => {
    for (const name of kernelNames) {
      const n = smallArrayCrossovers[name];
      expect(n === Infinity || (Number.isInteger(n) && n! >= 0), `${name}: ${n}`).toBe(true);
    }
  });

  it('runs arrays shorter than the crossover on the small-array kernels, and the rest on the main ones', async () => {
    const main = counting(fallbackKernels);
    const small = counting(fallbackKernels);
    const api = createActivations(main.kernels, { kernels: small.kernels, below: { relu: 10, elu: 3 } });
    const short = new Float32Array(9).fill(-1);
    const long = new Float32Array(10).fill(-1);
    api.relu(short);
    api.relu.derivative(short);
    api.relu.backward(short, short);
    api.relu.backwardFromOutput(short, short);
    await api.relu.async(short);
    expect(small.calls).toEqual(['activation', 'activation', 'activationBackward', 'activationBackward', 'activationAsync']);
    expect(main.calls).toEqual([]);
    api.relu(long);
    await api.relu.backward.async(long, long);
    api.elu(short);
    api.tanh(short);
    expect(main.calls).toEqual(['activation', 'activationBackwardAsync', 'activation', 'activation']);
  });

  it.runIf(nativeBackends.length > 0)('gives the same bits either way', () => {
    const native = nativeBackends.at(-1)!;
    const routed = createActivations(native.kernels, { kernels: fallbackKernels, below: smallArrayCrossovers });
    const plain = createActivations(native.kernels);
    for (const n of [1, 5, 31, 100, 1000]) {
      const x = new Float64Array(n).map((_, i) => i / 7 - 3);
      expect(firstDifference(routed.gelu(x), plain.gelu(x))).toBe(-1);
      expect(firstDifference(routed.relu.backward(x, x), plain.relu.backward(x, x))).toBe(-1);
    }
  });
});
