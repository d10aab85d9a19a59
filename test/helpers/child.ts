/** Runs a snippet in a fresh Node process, as a user of the built package would. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

/** The environment without any KINDLING_ switch, so each test sets exactly the ones it means. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('KINDLING_')) delete env[key];
  return { ...env, ...extra };
}

/** Evaluates `script` (CommonJS, or ESM when esm is set) in `cwd` and returns what it printed as JSON. */
export function runNode(
  script: string,
  { env = {}, cwd = ROOT, esm = false }: { env?: Record<string, string>; cwd?: string; esm?: boolean } = {},
): unknown {
  const args = esm ? ['--input-type=module', '-e', script] : ['-e', script];
  const result = spawnSync(process.execPath, args, { cwd, env: cleanEnv(env), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`node exited with ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** backend() in a fresh process that loads the package by name. */
export function backendIn(env: Record<string, string> = {}, cwd = ROOT): {
  kind: string;
  simd: string | null;
  path: string | null;
  threads: number;
  supportedSimd: string[];
  reasons: string[];
} {
  return runNode("console.log(JSON.stringify(require('kindling').backend()))", { env, cwd }) as ReturnType<typeof backendIn>;
}
