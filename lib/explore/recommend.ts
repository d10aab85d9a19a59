/**
 * The recommendation for an activation: the gain g that keeps the variance of the
 * pre-activations steady from layer to layer when weights have standard deviation g/√fan_in.
 * With unit-variance pre-activations z, the next layer's have variance g²·E[f(z)²], so the gain is
 * 1/√E[f(Z)²], Z standard normal: the criterion behind He's √2 and the gains kindling derives for
 * gelu, silu, elu and mish (scripts/derive-gains.py). It is measured here with the activation
 * itself on seeded normal samples, compared with calculateGain where the gain table has the
 * activation, and then checked by running the network with it.
 */
import type { Generator } from '../random/generator.js';
import type { ActivationChoice, ParamValue } from './choices.js';
import { labelOf } from './choices.js';

/** Samples of Z for the measured gain; its relative standard error is under 1 % for the usual activations. */
export const GAIN_SAMPLES = 1 << 16;
/** calculateGain agrees with the measured gain when they differ by at most this fraction. */
export const GAIN_AGREEMENT = 0.1;

export interface GainAdvice {
  /** 1/√E[f(Z)²], measured. */
  readonly measuredGain: number;
  /** calculateGain's entry for the activation, or null when its table has none. */
  readonly calculateGain: { readonly nonlinearity: string; readonly param?: number; readonly gain: number } | null;
  /** Whether calculateGain's gain is within GAIN_AGREEMENT of the measured one (null without an entry). */
  readonly agrees: boolean | null;
  /** The gain recommended: calculateGain's when it agrees, else the measured one. */
  readonly gain: number;
  /** An initializer that gives weights of std gain/√fan_in, as a choice of the initializer table. */
  readonly initializer: { readonly name: string; readonly params: Readonly<Record<string, ParamValue>>; readonly label: string };
}

/** The gain advice for `activation`, measured on samples from `generator`. */
export function adviseGain(activation: ActivationChoice, generator: Generator): GainAdvice {
  const z = generator.normal(GAIN_SAMPLES, { dtype: 'float64' });
  const y = activation.fn.forward(z);
  let squares = 0;
  for (let i = 0; i < y.length; i++) squares += y[i]! * y[i]!;
  const measuredGain = 1 / Math.sqrt(squares / y.length);

  const entry = activation.gain;
  const agrees = entry ? Math.abs(entry.value / measuredGain - 1) <= GAIN_AGREEMENT : null;
  const gain = entry && agrees ? entry.value : measuredGain;
  // kaimingNormal names the gain when calculateGain's entry takes no parameter; otherwise the
  // general initializer states it: varianceScaling's std is √(scale/fan_in).
  const initializer: { name: string; params: Record<string, ParamValue> } =
    entry && agrees && entry.param === undefined
      ? { name: 'kaimingNormal', params: { nonlinearity: entry.nonlinearity } }
      : { name: 'varianceScaling', params: { scale: gain * gain, mode: 'fan_in', distribution: 'normal' } };
  const shown = Object.fromEntries(
    Object.entries(initializer.params).map(([key, value]) => [key, typeof value === 'number' ? Number(value.toPrecision(5)) : value]),
  );
  return {
    measuredGain,
    calculateGain: entry ? { nonlinearity: entry.nonlinearity, ...(entry.param === undefined ? {} : { param: entry.param }), gain: entry.value } : null,
    agrees,
    gain,
    initializer: { ...initializer, label: labelOf(initializer.name, shown) },
  };
}
