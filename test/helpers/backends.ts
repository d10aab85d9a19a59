/**
 * Every backend the tests run on: the TypeScript fallback always, and the native addon at each
 * SIMD level this binary holds and this CPU runs (only KINDLING_SIMD's level when it is set, none
 * when KINDLING_FORCE_JS=1). Levels that cannot run here are listed with the reason.
 */
import type { Addon, Kernels } from '../../binding.js';
import { type Activations, createActivations } from '../../lib/activations.js';
import { SIMD_LEVELS, loadNative } from '../../lib/backend.js';
import { fallbackKernels } from '../../lib/fallback/kernels.js';

export interface TestBackend {
  readonly label: string;
  readonly kernels: Kernels;
  readonly api: Activations;
}

export interface SkippedBackend {
  readonly label: string;
  readonly reason: string;
}

const forcedJs = process.env.KINDLING_FORCE_JS === '1' || process.env.KINDLING_FORCE_JS === 'true';
const requestedLevel = process.env.KINDLING_SIMD || undefined;

/** Set by .ci/run: the native addon must load, or the run fails. */
export const nativeExpected = process.env.KINDLING_EXPECT_NATIVE === '1' && !forcedJs;

export const loadReasons: string[] = [];
export const native: { addon: Addon; path: string } | null = forcedJs ? null : loadNative(loadReasons);

export const fallback: TestBackend = {
  label: 'fallback (TypeScript)',
  kernels: fallbackKernels,
  api: createActivations(fallbackKernels),
};

export const nativeBackends: TestBackend[] = [];
export const skippedBackends: SkippedBackend[] = [];

for (const level of SIMD_LEVELS) {
  const label = `native ${level}`;
  if (forcedJs) {
    skippedBackends.push({ label, reason: 'KINDLING_FORCE_JS=1' });
  } else if (!native) {
    skippedBackends.push({ label, reason: `the addon did not load: ${loadReasons.join('; ')}` });
  } else if (requestedLevel && requestedLevel !== level) {
    skippedBackends.push({ label, reason: `KINDLING_SIMD=${requestedLevel}` });
  } else if (!native.addon.compiledSimd.includes(level)) {
    skippedBackends.push({ label, reason: 'not compiled for this architecture' });
  } else if (!native.addon.supportedSimd.includes(level)) {
    skippedBackends.push({ label, reason: 'this CPU cannot run it' });
  } else {
    const kernels = native.addon.kernels(level);
    nativeBackends.push({ label, kernels, api: createActivations(kernels) });
  }
}

export const backends: TestBackend[] = [fallback, ...nativeBackends];
