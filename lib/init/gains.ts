/**
 * calculateGain: PyTorch's table (torch.nn.init.calculate_gain), plus gains for gelu, silu, elu
 * and mish derived with scripts/derive-gains.py as 1/sqrt(E[f(Z)^2]), Z standard normal: the
 * gain that keeps the second moment of the pre-activations through a layer, the criterion that
 * gives relu its sqrt(2) (lib/spec/initializers.ts, gainSpecs).
 */
import { type Nonlinearity, gainSpecs, nonlinearities } from '../spec/initializers.js';
import { rangeError, typeError } from '../validate.js';
import { oneOf } from './options.js';

const ELU_TAIL_MOMENT = gainSpecs.find((spec) => spec.name === 'elu')!.moment;

function checkNonlinearity(value: unknown): Nonlinearity {
  if (typeof value !== 'string' || !nonlinearities.includes(value as Nonlinearity)) {
    throw typeError(oneOf(nonlinearities), 'nonlinearity', value);
  }
  return value as Nonlinearity;
}

/** The parameter: a finite number, or the default when undefined (a boolean is refused, as PyTorch refuses it). */
function checkParam(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw typeError('a number or undefined', 'param', value);
  if (!Number.isFinite(value)) throw rangeError('a finite number', 'param', value);
  return value;
}

/**
 * The recommended gain for a nonlinearity: leaky_relu's param is the negative slope (default
 * 0.01), elu's is alpha (default 1); the others ignore it, as PyTorch does.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  const name = checkNonlinearity(nonlinearity);
  switch (name) {
    case 'leaky_relu': {
      const slope = checkParam(param, 0.01);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'elu': {
      const alpha = checkParam(param, 1);
      return 1 / Math.sqrt(0.5 + alpha * alpha * ELU_TAIL_MOMENT);
    }
    default:
      checkParam(param, 0);
      return gainSpecs.find((spec) => spec.name === name)!.gain;
  }
}
