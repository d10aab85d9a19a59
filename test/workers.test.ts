/**
 * worker_threads. The addon is a Node-API module, so it is context-aware: each worker (each Node
 * environment) initialises its own instance of the one loaded binary, while the thread pool is
 * shared by the process. It must load and give the main thread's bits in many workers at once,
 * and a worker terminated with Promise calls still pending must not take the process down.
 */
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Generator, backend, tanh } from '../lib/index.js';
import { ROOT } from './helpers/child.js';
import { firstDifference } from './helpers/numbers.js';

// Large enough to be split across the thread pool.
const N = 300_003;

interface WorkerResult {
  kind: string;
  simd: string | null;
  path: string | null;
  tanh: Float32Array;
  tanhAsync: Float32Array;
  normal: Float32Array;
  normalAsync: Float32Array;
}

// Each worker loads the built package (dist/, compiled by the suite's global setup) on its own,
// waits at a barrier until all are loaded, then computes at the same moment as the others.
const workerSource = `
  const { parentPort, workerData } = require('node:worker_threads');
  const { Generator, backend, tanh } = require(workerData.root);
  const info = backend();
  const barrier = new Int32Array(workerData.barrier);
  Atomics.add(barrier, 0, 1);
  Atomics.notify(barrier, 0);
  Atomics.wait(barrier, 1, 0);
  const x = Float32Array.from({ length: workerData.n }, (_, i) => -8 + (16 * i) / workerData.n);
  (async () => {
    const [tanhAsync, normalAsync] = await Promise.all([tanh.async(x), new Generator(7).normalAsync(workerData.n)]);
    parentPort.postMessage({
      kind: info.kind, simd: info.simd, path: info.path,
      tanh: tanh(x), tanhAsync, normal: new Generator(7).normal(workerData.n), normalAsync,
    });
  })();
`;

function runWorker(barrier: SharedArrayBuffer): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerSource, { eval: true, workerData: { root: ROOT, barrier, n: N } });
    worker.once('message', (result: WorkerResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited with ${code} before answering`)));
  });
}

describe('worker_threads', () => {
  it('loads and runs in 8 workers at once and in the main thread, with the same bits everywhere', async () => {
    const x = Float32Array.from({ length: N }, (_, i) => -8 + (16 * i) / N);
    const barrierBuffer = new SharedArrayBuffer(8);
    const barrier = new Int32Array(barrierBuffer);
    const pending = Array.from({ length: 8 }, () => runWorker(barrierBuffer));
    let failure: unknown;
    for (const worker of pending) worker.catch((error: unknown) => (failure ??= error));
    // Release the workers together once all have loaded the addon (or one failed), and compute
    // here meanwhile.
    try {
      while (Atomics.load(barrier, 0) < 8) {
        if (failure) throw failure;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      Atomics.store(barrier, 1, 1);
      Atomics.notify(barrier, 1);
    }
    const expected = { tanh: tanh(x), normal: new Generator(7).normal(N) };
    const results = await Promise.all(pending);

    const info = backend();
    for (const result of results) {
      expect({ kind: result.kind, simd: result.simd, path: result.path }).toEqual({ kind: info.kind, simd: info.simd, path: info.path });
      expect(firstDifference(result.tanh, expected.tanh)).toBe(-1);
      expect(firstDifference(result.tanhAsync, expected.tanh)).toBe(-1);
      expect(firstDifference(result.normal, expected.normal)).toBe(-1);
      expect(firstDifference(result.normalAsync, expected.normal)).toBe(-1);
    }
    // The pool the workers shared still serves the main thread.
    expect(firstDifference(await tanh.async(x), expected.tanh)).toBe(-1);
  });

  it('survives workers terminated while their Promise calls are pending', () => {
    // Each worker queues Promise calls (ordinary and SharedArrayBuffer arrays, activations and
    // random draws) and is terminated at once or a few milliseconds later, while the calls run;
    // their completions then arrive on an environment that can no longer run JavaScript. Before
    // native/addon.cc swallowed that case, node-addon-api aborted the process here.
    const worker = `
      const { parentPort } = require('node:worker_threads');
      const { Generator, sigmoid, tanh } = require(${JSON.stringify(ROOT)});
      const n = 1 << 20;
      for (let i = 0; i < 6; i++) {
        const x = new Float32Array(i % 2 ? new SharedArrayBuffer(4 * n) : n).fill(0.25);
        tanh.async(x);
        sigmoid.backward.async(x, x);
        new Generator(i).normalAsync(n);
      }
      parentPort.postMessage('queued');`;
    const script = `
      const { Worker } = require('node:worker_threads');
      const { backend, tanh } = require(${JSON.stringify(ROOT)});
      (async () => {
        for (let round = 0; round < 4; round++) {
          const workers = Array.from({ length: 4 }, () => new Worker(${JSON.stringify(worker)}, { eval: true }));
          await Promise.all(workers.map((w) => new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); })));
          await Promise.all(workers.map((w, i) => new Promise((resolve) => setTimeout(resolve, 2 * i)).then(() => w.terminate())));
        }
        console.log(JSON.stringify({ kind: backend().kind, value: tanh(new Float32Array([0.5]))[0] }));
      })();`;
    const result = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(result.signal, result.stderr).toBeNull();
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ kind: backend().kind, value: Math.fround(Math.tanh(0.5)) });
  });
});
