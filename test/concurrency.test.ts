/**
 * Many Promise calls in flight at once. Concurrent draws from one generator give the values of the
 * same draws made one after another (each reserves its part of the stream when called); worker
 * threads each with dozens of Promise calls in flight, collecting garbage between them, give the
 * sequential results. (Workers terminated with calls in flight: test/workers.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Generator } from '../lib/random/generator.js';
import { backends } from './helpers/backends.js';
import { ROOT } from './helpers/child.js';
import { firstDifference } from './helpers/numbers.js';

const SIZES = [1, 5, 70_000, 300, 0, 140_001, 17];

describe.each(backends)('$label', ({ kernels }) => {
  it('concurrent Promise draws from one generator equal the same draws made in order', async () => {
    const concurrent = new Generator(99, { kernels });
    const pending = SIZES.flatMap((n) => [concurrent.normalAsync(n), concurrent.uniformAsync(n, { dtype: 'float64' }), concurrent.bitsAsync(n)]);
    const results = await Promise.all(pending);
    const sequential = new Generator(99, { kernels });
    const expected = SIZES.flatMap((n) => [sequential.normal(n), sequential.uniform(n, { dtype: 'float64' }), sequential.bits(n)]);
    results.forEach((result, i) => expect(firstDifference(result, expected[i]!), `draw ${i}`).toBe(-1));
    expect(concurrent.state()).toEqual(sequential.state());
  });
});

describe('worker threads with many Promise calls in flight and forced collections', () => {
  it('give the results of the same calls made one after another', () => {
    // Each worker fires 48 Promise calls of mixed kernels at once, three times, collecting
    // garbage while they run, and sends back every result; the parent computes each one alone.
    const worker = `
      const { parentPort, workerData } = require('node:worker_threads');
      if (typeof global.gc !== 'function') throw new Error('no gc in the worker');
      const k = require(workerData.root);
      const x = (n, seed) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * seed) * 6);
      const call = (i, seed) => {
        const input = x(1000 + ((i * 7919) % 90000), seed + i);
        switch (i % 4) {
          case 0: return k.tanh.async(input);
          case 1: return k.softmax.async(input);
          case 2: return k.gelu.backward.async(input, input);
          default: return new k.Generator(seed * 1000 + i).normalAsync(input.length);
        }
      };
      (async () => {
        const results = [];
        for (let wave = 0; wave < 3; wave++) {
          const pending = Array.from({ length: 48 }, (_, i) => call(wave * 48 + i, workerData.seed));
          global.gc();
          results.push(...(await Promise.all(pending)));
          global.gc();
        }
        parentPort.postMessage(results);
      })();`;
    const script = `
      const { Worker } = require('node:worker_threads');
      const k = require(${JSON.stringify(ROOT)});
      const seeds = [1, 2, 3, 4];
      const workerSource = ${JSON.stringify(worker)};
      const x = (n, seed) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * seed) * 6);
      const call = (i, seed) => {
        const input = x(1000 + ((i * 7919) % 90000), seed + i);
        switch (i % 4) {
          case 0: return k.tanh(input);
          case 1: return k.softmax(input);
          case 2: return k.gelu.backward(input, input);
          default: return new k.Generator(seed * 1000 + i).normal(input.length);
        }
      };
      Promise.all(seeds.map((seed) => new Promise((resolve, reject) => {
        const w = new Worker(workerSource, { eval: true, workerData: { root: ${JSON.stringify(ROOT)}, seed } });
        w.once('message', (results) => { resolve(results); w.terminate(); });
        w.once('error', reject);
      }))).then((all) => {
        let compared = 0, wrong = 0;
        all.forEach((results, s) => results.forEach((result, i) => {
          const expected = call(i, seeds[s]);
          compared++;
          if (Buffer.compare(Buffer.from(result.buffer), Buffer.from(expected.buffer)) !== 0) wrong++;
        }));
        console.log(JSON.stringify({ compared, wrong }));
      });`;
    const result = spawnSync(process.execPath, ['--expose-gc', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(result.signal, result.stderr).toBeNull();
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ compared: 4 * 144, wrong: 0 });
  });
});
