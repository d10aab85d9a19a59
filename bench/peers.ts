/**
 * The JavaScript peers (@tensorflow/tfjs with its CPU and WebAssembly backends, @stdlib/random).
 * They are optional dev tools, never dependencies of the project: they are resolved from a peers
 * directory outside it, KINDLING_PEERS (bench/suite.ts sets it from --peers) or /work/peers by
 * default, set up with e.g. `npm i --prefix /work/peers @tensorflow/tfjs @tensorflow/tfjs-backend-wasm @stdlib/random`.
 * A peer that does not resolve is skipped with the reason, which the benchmarks print.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

export const DEFAULT_PEERS_DIRECTORY = '/work/peers';

export function peersDirectory(): string {
  return resolve(process.env.KINDLING_PEERS || DEFAULT_PEERS_DIRECTORY);
}

/** require() rooted at the peers directory, so that nothing resolves from the project's node_modules. */
export function requirePeer(): NodeRequire | string {
  const directory = peersDirectory();
  if (!existsSync(join(directory, 'node_modules'))) return `no peers directory ${directory}/node_modules (set KINDLING_PEERS or --peers)`;
  return createRequire(join(directory, 'package.json'));
}

export type TfjsBackend = 'cpu' | 'wasm';

/** The part of @tensorflow/tfjs the benchmarks call. */
export interface Tfjs {
  readonly version: { readonly 'tfjs-core': string };
  setBackend(name: string): Promise<boolean>;
  getBackend(): string;
  ready(): Promise<void>;
  tidy<T>(fn: () => T): T;
  tensor1d(values: Float32Array): TfTensor;
  tensor2d(values: Float32Array, shape: [number, number]): TfTensor;
  [op: string]: unknown;
}
export interface TfTensor {
  dataSync(): Float32Array;
  dispose(): void;
}

export interface LoadedTfjs {
  readonly tf: Tfjs;
  readonly version: string;
  /** Makes `backend` current. Both are initialised at load, so the switch is synchronous. */
  readonly use: (backend: TfjsBackend) => void;
  readonly backends: readonly TfjsBackend[];
  readonly skipped: readonly string[];
}

let tfjsLoading: Promise<LoadedTfjs | string> | null = null;

/**
 * tfjs with every backend that initialises here. The WebAssembly backend loads its .wasm files
 * from the peers directory's node_modules (setWasmPaths to a local path), never from the network.
 */
export function loadTfjs(): Promise<LoadedTfjs | string> {
  tfjsLoading ??= (async () => {
    const requireFrom = requirePeer();
    if (typeof requireFrom === 'string') return requireFrom;
    let tf: Tfjs;
    try {
      tf = requireFrom('@tensorflow/tfjs') as Tfjs;
    } catch (error) {
      return `@tensorflow/tfjs not found in ${peersDirectory()} (${(error as Error).message.split('\n')[0]})`;
    }
    const backends: TfjsBackend[] = [];
    const skipped: string[] = [];
    if (await tf.setBackend('cpu')) backends.push('cpu');
    else skipped.push('tfjs cpu backend did not initialise');
    try {
      const wasm = requireFrom('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
      wasm.setWasmPaths(`${join(dirname(requireFrom.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
      if (await tf.setBackend('wasm')) backends.push('wasm');
      else skipped.push('tfjs wasm backend did not initialise');
    } catch (error) {
      skipped.push(`tfjs wasm backend skipped: ${(error as Error).message.split('\n')[0]}`);
    }
    // engine.setBackend does its work before its first await when the backend is initialised.
    const use = (backend: TfjsBackend) => void tf.setBackend(backend);
    return { tf, version: tf.version['tfjs-core'], use, backends, skipped };
  })();
  return tfjsLoading;
}

/** @stdlib/random's package (its modules are required by path from the same directory). */
export function loadStdlib(): { readonly require: NodeRequire; readonly version: string } | string {
  const requireFrom = requirePeer();
  if (typeof requireFrom === 'string') return requireFrom;
  try {
    return { require: requireFrom, version: (requireFrom('@stdlib/random/package.json') as { version: string }).version };
  } catch (error) {
    return `@stdlib/random not found in ${peersDirectory()} (${(error as Error).message.split('\n')[0]})`;
  }
}
