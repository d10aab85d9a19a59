/**
 * Arrays changed while a Promise call runs. JavaScript can detach (transfer) an ordinary
 * ArrayBuffer at any time, after which its memory may be freed: a Promise call reads its inputs
 * as they were when it started, never touches freed memory, and rejects if `out` was detached or
 * resized before it settled. SharedArrayBuffer views, which cannot be detached, work in place.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
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
