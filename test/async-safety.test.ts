/**
 * Arrays changed while a Promise call runs. JavaScript can detach (transfer) an ordinary
 * ArrayBuffer at any time, after which its memory may be freed: a Promise call reads its inputs
 * as they were when it started, never touches freed memory, and rejects if `out` was detached or
 * resized before it settled. SharedArrayBuffer views, which cannot be detached, work in place.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { FloatArray } from '../binding.js';
import { backends } from './helpers/backends.js';
import { ROOT } from './helpers/child.js';
import { firstDifference, uniformGrid } from './helpers/numbers.js';

const detach = (array: Float32Array | Float64Array) => structuredClone(array.buffer, { transfer: [array.buffer as ArrayBuffer] });

describe.each(backends)('$label', ({ api }) => {
  // Larger than one fallback slice, so the fallback is still running when the detach happens.
  const n = 300_001;

  it('computes from x as it was at the call when x is detached meanwhile', async () => {
    const x = uniformGrid(n, -5, 5, 'float32');
    const expected = api.tanh(x);
    const out = new Float32Array(n);
    const pending = api.tanh.async(x, { out });
    detach(x);
    expect(await pending).toBe(out);
    expect(firstDifference(out, expected)).toBe(-1);
  });

  it('rejects with a TypeError when out is detached before the call settles', async () => {
    const x = uniformGrid(n, -5, 5, 'float64');
    const out = new Float64Array(n);
    const pending = api.sigmoid.backward.async(x, x, { out });
    detach(out);
    await expect(pending).rejects.toThrow(TypeError);
    await expect(pending).rejects.toThrow(/out .*detached or resized/);
  });

  it('works in place on SharedArrayBuffer views', async () => {
    const x = new Float32Array(new SharedArrayBuffer(4 * n));
    x.set(uniformGrid(n, -5, 5, 'float32'));
    const expected = api.tanh(x.slice());
    expect(await api.tanh.async(x, { out: x })).toBe(x);
    expect(firstDifference(x, expected)).toBe(-1);
  });
});

describe.each(backends)('$label: Promise calls given no out', ({ kernels }) => {
  const n = 300_001;
  const tanh = kernels.activations.indexOf('tanh');
  const axisNames = kernels.axisActivationNames();

  it('resolve with a new result array of the right type and length, equal to the synchronous result', async () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = uniformGrid(n, -5, 5, dtype);
      const g = uniformGrid(n, -1, 1, dtype);
      const expected = x.slice().fill(0);
      kernels.activation(tanh, 0, x, expected, 0, 0);
      const made = await kernels.activationAsync(tanh, 0, x, null, 0, 0);
      expect(made.constructor).toBe(x.constructor);
      expect(made).not.toBe(x);
      expect(firstDifference(made, expected)).toBe(-1);

      kernels.activationBackward(tanh, 0, g, x, expected, 0, 0);
      const grad = await kernels.activationBackwardAsync(tanh, 0, g, x, null, 0, 0);
      expect(grad.constructor).toBe(x.constructor);
      expect(firstDifference(grad, expected)).toBe(-1);
    }
  });

  it('size the new array as the output along an axis: x\'s length for softmax, half of it for glu', async () => {
    const x = uniformGrid(1000 * 300, -5, 5, 'float32');
    for (const [name, outLength] of [['softmax', x.length], ['glu', x.length / 2]] as const) {
      const id = axisNames.indexOf(name);
      const expected = new Float32Array(outLength);
      kernels.axisActivation(id, x, expected, 1000, 300, 1, null);
      const made = await kernels.axisActivationAsync(id, x, null, 1000, 300, 1, null);
      expect(made).toBeInstanceOf(Float32Array);
      expect(made.length).toBe(outLength);
      expect(firstDifference(made, expected)).toBe(-1);
    }
    const softmax = axisNames.indexOf('softmax');
    const g = uniformGrid(x.length, -1, 1, 'float32');
    const expected = new Float32Array(x.length);
    kernels.axisActivationBackward(softmax, 0, g, x, expected, 1000, 300, 1, null);
    const grad = await kernels.axisActivationBackwardAsync(softmax, 0, g, x, null, 1000, 300, 1, null);
    expect(firstDifference(grad, expected)).toBe(-1);
  });

  it('make prelu\'s result array too', async () => {
    const x = uniformGrid(4 * 3 * 25_001, -5, 5, 'float64');
    const weight = new Float64Array([0.1, -0.5, 2]);
    const expected = new Float64Array(x.length);
    kernels.prelu(0, x, weight, expected, 4, 3, 25_001);
    const made = await kernels.preluAsync(0, x, weight, null, 4, 3, 25_001);
    expect(made).toBeInstanceOf(Float64Array);
    expect(firstDifference(made, expected)).toBe(-1);
  });

  it('still reject an out of the wrong type or length, and synchronous calls refuse a null out', async () => {
    const x = uniformGrid(16, -5, 5, 'float32');
    // The raw Promise forms throw (native) or reject (fallback); the facade turns both into a rejection.
    const settled = (start: () => Promise<unknown>) => {
      try {
        return start();
      } catch (error) {
        return Promise.reject(error);
      }
    };
    await expect(settled(() => kernels.activationAsync(tanh, 0, x, new Float64Array(16), 0, 0))).rejects.toThrow(TypeError);
    await expect(settled(() => kernels.activationAsync(tanh, 0, x, new Float32Array(15), 0, 0))).rejects.toThrow(RangeError);
    expect(() => kernels.activation(tanh, 0, x, null as unknown as Float32Array, 0, 0)).toThrow(TypeError);
    const softmax = axisNames.indexOf('softmax');
    expect(() => kernels.axisActivation(softmax, x, null as unknown as Float32Array, 1, 16, 1, null)).toThrow(TypeError);
    expect(() => kernels.prelu(0, x, new Float32Array([0.25]), null as unknown as Float32Array, 1, 1, 16)).toThrow(TypeError);
  });
});

describe('a detached buffer freed while a native Promise call runs', () => {
  it('never crashes the process', () => {
    // Detach both arrays of a large call, drop every reference to the new owners and force
    // collections, as a careless caller could; before inputs were copied this read freed memory.
    const script = `
      const { tanh, backend } = require('kindling');
      (async () => {
        for (let round = 0; round < 4; round++) {
          const x = new Float64Array(1 << 23).fill(0.5);
          const out = new Float64Array(1 << 23);
          const pending = tanh.async(x, { out });
          structuredClone(x.buffer, { transfer: [x.buffer] });
          structuredClone(out.buffer, { transfer: [out.buffer] });
          global.gc();
          const filler = new Float64Array(1 << 23).fill(1);
          const outcome = await pending.then(() => 'resolved', (error) => error.constructor.name);
          if (outcome !== 'TypeError' || filler[0] !== 1) throw new Error('unexpected ' + outcome);
        }
        console.log(backend().kind);
      })();`;
    const result = spawnSync(process.execPath, ['--expose-gc', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(result.signal, result.stderr).toBeNull();
    expect(result.status, result.stderr).toBe(0);
  });
});

describe.each(backends)('$label: arrays changed while a Promise call runs', ({ api }) => {
  const n = 300_001;
  type Resizable = ArrayBuffer & { resize(bytes: number): void };
  const resizable = (bytes: number) => new (ArrayBuffer as unknown as new (n: number, o: object) => Resizable)(bytes, { maxByteLength: 2 * bytes });

  it('computes from x as it was when x is transferred away through a MessageChannel meanwhile', async () => {
    const x = uniformGrid(n, -5, 5, 'float32');
    const expected = api.tanh(x);
    const out = new Float32Array(n);
    const pending = api.tanh.async(x, { out });
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(x.buffer, [x.buffer as ArrayBuffer]);
    expect(x.length).toBe(0);
    expect(await pending).toBe(out);
    expect(firstDifference(out, expected)).toBe(-1);
    port1.close();
    port2.close();
  });

  it('rejects with a TypeError when a resizable out is shrunk meanwhile, writing nothing past its new end', async () => {
    const buffer = resizable(8 * n);
    const out = new Float64Array(buffer, 0, n);
    const x = uniformGrid(n, -5, 5, 'float64');
    const pending = api.tanh.async(x, { out });
    buffer.resize(8 * 10);
    await expect(pending).rejects.toThrow(/out .*detached or resized/);
    buffer.resize(8 * n);
    // The memory past the shrunk end comes back zeroed: nothing was written there.
    expect(new Float64Array(buffer, 80).every((value) => value === 0)).toBe(true);
  });

  it('computes from x as it was when a resizable x is shrunk meanwhile', async () => {
    const buffer = resizable(4 * n);
    const x = new Float32Array(buffer, 0, n);
    x.set(uniformGrid(n, -5, 5, 'float32'));
    const expected = api.sigmoid(x);
    const pending = api.sigmoid.async(x);
    buffer.resize(4);
    expect(firstDifference(await pending, expected)).toBe(-1);
  });
});

describe('a SharedArrayBuffer input dropped by its caller while a raw Promise call reads it in place', () => {
  it('stays alive until the call settles', () => {
    // The raw binding reads SharedArrayBuffer views in place. Before the worker held them, the
    // caller's last reference could go, the collector freed the memory and the kernel read it:
    // this script crashed with SIGSEGV every time.
    const script = `
      const native = process.env.KINDLING_FORCE_JS === '1' ? null : require('./dist/cjs/backend.js').loadNative([]);
      if (!native) { console.log('no native addon'); process.exit(0); }
      const { addon } = native;
      addon.setThreads(1);
      const kernels = addon.kernels(addon.supportedSimd.at(-1));
      const id = kernels.activations.indexOf('mish');
      const n = 1 << 24;
      const out = new Float32Array(n);
      let pending = (() => {
        const x = new Float32Array(new SharedArrayBuffer(4 * n)).fill(0.5);
        return kernels.activationAsync(id, 1, x, out, 0, 0);
      })();
      setImmediate(async () => {
        global.gc();
        new Float32Array(new SharedArrayBuffer(4 * n)).fill(3);
        await pending;
        const expected = new Float32Array(1);
        kernels.activation(id, 1, new Float32Array([0.5]), expected, 0, 0);
        console.log(out.every((v) => v === expected[0]) ? 'ok' : 'wrong values');
      });`;
    const result = spawnSync(process.execPath, ['--expose-gc', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(result.signal, result.stderr).toBeNull();
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toMatch(/^(ok|no native addon)$/);
  });
});

/**
 * Promise calls stage their copies and results in uninitialized memory that large calls recycle
 * (native/staging.cc). Under the tests that memory is filled with NaN bytes before each use, so a
 * result byte left unwritten, or one left over from an earlier call, cannot pass unseen.
 */
it('runs with the staging memory poisoned', () => {
  expect(process.env.KINDLING_POISON_STAGING).toBe('1');
});

describe.each(backends)('$label: staged memory reused by later Promise calls', ({ api }) => {
  it('gives the synchronous bits for large calls of mixed sizes and types, in flight together and one after another', async () => {
    // From below to above the 1 MiB recycling threshold, in both element types.
    const inputs = [200_000, 262_144, 300_001, 600_000, 262_143, 1_000_000].flatMap((n, i) => [
      uniformGrid(n, -8, 8, 'float32'),
      uniformGrid(n >> (i % 2), -8, 8, 'float64'),
    ]);
    const operations = [
      { sync: (x: FloatArray) => api.sigmoid(x), async: (x: FloatArray) => api.sigmoid.async(x) },
      { sync: (x: FloatArray) => api.tanh(x), async: (x: FloatArray) => api.tanh.async(x) },
      { sync: (x: FloatArray) => api.silu.backward(x, x), async: (x: FloatArray) => api.silu.backward.async(x, x) },
    ];
    const operationOf = (i: number) => operations[i % operations.length]!;
    for (let round = 0; round < 2; round++) {
      const results = await Promise.all(inputs.map((x, i) => operationOf(i).async(x)));
      results.forEach((result, i) => {
        expect(firstDifference(result, operationOf(i).sync(inputs[i]!)), `input ${i}, round ${round}`).toBe(-1);
      });
      for (const [i, x] of inputs.entries()) {
        const out = x instanceof Float32Array ? new Float32Array(x.length) : new Float64Array(x.length);
        expect(await api.softplus.async(x, { out })).toBe(out);
        expect(firstDifference(out, api.softplus(x)), `input ${i}, round ${round}, one after another`).toBe(-1);
      }
    }
  });
});
