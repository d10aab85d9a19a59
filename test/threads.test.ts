/**
 * Large native calls are split across threads; the result must not depend on how many.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Addon, FloatArray } from '../binding.js';
import { type ActivationSpec, activationSpecs, exampleOptions } from '../lib/spec/activations.js';
import { nativeBackends, native } from './helpers/backends.js';
import { firstDifference, uniformGrid } from './helpers/numbers.js';

// Vitest still collects a skipped describe, so nothing here may touch the addon outside a test.
describe.runIf(native)('thread count', () => {
  const addon = native?.addon as Addon;
  const original = addon?.threads();
  afterAll(() => addon?.setThreads(original));

  it('rejects a thread count outside 1..256', () => {
    for (const bad of [0, -1, 1.5, 257, NaN]) expect(() => addon.setThreads(bad)).toThrow(RangeError);
  });

  describe.each(nativeBackends)('$label', (backend) => {
    it.each(activationSpecs as readonly ActivationSpec[])('$name gives the same bits with 1, 2, 3 and 8 threads', async (spec) => {
      const x = uniformGrid(1_000_003, -20, 20, 'float32');
      const gradOutput = x.slice().reverse();
      type Unary = (x: FloatArray, options: object) => FloatArray;
      const activation = backend.api[spec.name as keyof typeof backend.api] as unknown as Unary & {
        derivative: Unary;
        backward: (g: FloatArray, x: FloatArray, options: object) => FloatArray;
        async: (x: FloatArray, options: object) => Promise<FloatArray>;
      };
      const params = exampleOptions(spec);
      const results: FloatArray[][] = [];
      for (const threads of [1, 2, 3, 8]) {
        addon.setThreads(threads);
        expect(addon.threads()).toBe(threads);
        results.push([
          activation(x, params),
          activation.derivative(x, params),
          activation.backward(gradOutput, x, params),
          await activation.async(x, params),
        ]);
      }
      for (const result of results.slice(1)) {
        result.forEach((array, i) => expect(firstDifference(array, results[0]![i]!)).toBe(-1));
      }
    });
  });

  it('runs many Promise calls at once on shared threads, each with its own correct result', async () => {
    addon.setThreads(2);
    const api = nativeBackends[nativeBackends.length - 1]!.api;
    const inputs = Array.from({ length: 24 }, (_, i) => uniformGrid(200_000 + i, -i, i + 1, i % 2 ? 'float64' : 'float32'));
    const results = await Promise.all(inputs.map((x) => api.tanh.async(x)));
    results.forEach((result, i) => expect(firstDifference(result, api.tanh(inputs[i]!))).toBe(-1));
  });
});
