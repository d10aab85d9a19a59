/**
 * The random kernels in TypeScript: the twin of native/kernels/random-inl.h, value for value.
 * Values come in groups of 16 blocks (docs/rng.md §2); each block is computed once and gives the
 * values at every position of its lane.
 */
import type { RandomArray } from '../../binding.js';
import { type DistributionName, GROUP_BLOCKS, TruncatedProposal, valuesPerBlock } from '../random/distributions.js';
import { mulHiLo, philox } from '../random/philox.js';
import { typedArrayKind } from '../validate.js';
import { cos2Pi32, cos2Pi64, exp32, exp64, log32, log64, sin2Pi32, sin2Pi64 } from './math.js';

const f = Math.fround;

export interface DrawSpec {
  readonly name: DistributionName;
  readonly key0: number;
  readonly key1: number;
  readonly offset: bigint;
  readonly params: Float64Array;
}

// The uniforms of docs/rng.md, as native/kernels/random-inl.h computes them.
const uniform24 = (w: number) => (w >>> 8) * 2 ** -24;
const openUniform32 = (w: number) => f(f(f(w >>> 1) * 2) + ((w & 1) + 0.5)) * 2 ** -32;
const uniform53 = (high: number, low: number) => ((high >>> 5) * 67108864 + (low >>> 6)) * 2 ** -53;
const openUniform53 = (high: number, low: number) => ((high >>> 5) * 67108864 + (low >>> 6) + 0.5) * 2 ** -53;

/** Box-Muller in float32: [r cos 2 pi u2, r sin 2 pi u2]. */
function boxMuller32(u1: number, u2: number, position: 0 | 1): number {
  const r = f(Math.sqrt(f(-2 * log32(u1))));
  return f(r * (position === 0 ? cos2Pi32(u2) : sin2Pi32(u2)));
}

function boxMuller64(u1: number, u2: number, position: 0 | 1): number {
  const r = Math.sqrt(-2 * log64(u1));
  return r * (position === 0 ? cos2Pi64(u2) : sin2Pi64(u2));
}

/** The value at position k of a block whose words are w, for the distributions that never reject. */
type Direct = (w: Uint32Array, k: number) => number;

function directValue(name: DistributionName, float32: boolean, p: Float64Array): Direct {
  const round = float32 ? f : (x: number) => x;
  switch (name) {
    case 'bits':
      return (w, k) => w[k]!;
    case 'uniform': {
      const [low, width, high, below] = [p[0]!, p[1]!, p[2]!, p[3]!];
      const scaled = (u: number) => {
        const value = round(low + round(width * u));
        return value >= high ? below : value;
      };
      return float32 ? (w, k) => scaled(uniform24(w[k]!)) : (w, k) => scaled(uniform53(w[2 * k]!, w[2 * k + 1]!));
    }
    case 'normal': {
      const [mean, std] = [p[0]!, p[1]!];
      if (float32) {
        return (w, k) => {
          const pair = k >> 1;
          return f(mean + f(std * boxMuller32(openUniform32(w[2 * pair]!), uniform24(w[2 * pair + 1]!), (k & 1) as 0 | 1)));
        };
      }
      return (w, k) => mean + std * boxMuller64(openUniform53(w[0]!, w[1]!), uniform53(w[2]!, w[3]!), k as 0 | 1);
    }
    case 'bernoulli': {
      const probability = p[0]!;
      return (w, k) => (uniform53(w[2 * k]!, w[2 * k + 1]!) < probability ? 1 : 0);
    }
    default:
      throw new Error(`${name} rejects: use acceptedValue`);
  }
}

/** One attempt of a distribution that rejects: the candidate, or undefined if rejected. */
type Attempt = (w: Uint32Array) => number | undefined;

function attemptOf(name: DistributionName, float32: boolean, p: Float64Array): Attempt {
  if (name === 'integers') {
    const [low, range, threshold] = [p[0]!, p[1]!, p[2]!];
    return (w) => {
      if (range === 0) return (w[0]! + low) >>> 0;
      const [high, product] = mulHiLo(w[0]!, range);
      return product >= threshold ? (high + low) >>> 0 : undefined;
    };
  }
  const [proposal, a, b, mean, scale, width, mSquared, m, alpha, sign, far, lowest, highest] = Array.from(p);
  const round = float32 ? f : (x: number) => x;
  const exp = float32 ? exp32 : exp64;
  const log = float32 ? log32 : log64;
  const finish = (z: number) => Math.min(Math.max(round(mean! + round(scale! * z)), lowest!), highest!);
  return (w) => {
    // The attempt's uniforms (docs/rng.md §3): open and half-open forms of the first, and a second.
    const openU = float32 ? openUniform32(w[0]!) : openUniform53(w[0]!, w[1]!);
    const u = float32 ? uniform24(w[0]!) : uniform53(w[0]!, w[1]!);
    const v = float32 ? uniform24(w[1]!) : uniform53(w[2]!, w[3]!);
    switch (proposal) {
      case TruncatedProposal.normal: {
        const z = float32 ? boxMuller32(openU, v, 0) : boxMuller64(openU, v, 0);
        return z >= a! && z <= b! ? finish(z) : undefined;
      }
      case TruncatedProposal.uniform: {
        const z = round(a! + round(width! * u));
        return v <= exp(round(round(mSquared! - round(z * z)) * 0.5)) ? finish(z) : undefined;
      }
      default: {
        const z = round(m! - round(log(openU) / alpha!));
        const excess = round(z - alpha!);
        return z <= far! && v <= exp(round(-round(excess * excess) * 0.5)) ? finish(round(sign! * z)) : undefined;
      }
    }
  };
}

const words = new Uint32Array(4);

/** Fills out[i] with value start + i of the draw, for i < out.length. */
export function fillRandom(draw: DrawSpec, out: RandomArray, start: number): void {
  const float32 = typedArrayKind(out) !== 'Float64Array';
  const perBlock = valuesPerBlock(draw.name, out);
  const groupValues = GROUP_BLOCKS * perBlock;
  const end = start + out.length;
  const rejects = draw.name === 'truncatedNormal' || draw.name === 'integers';
  const direct = rejects ? undefined : directValue(draw.name, float32, draw.params);
  const attempt = rejects ? attemptOf(draw.name, float32, draw.params) : undefined;
  for (let group = Math.floor(start / groupValues); group * groupValues < end; group++) {
    const first = group * groupValues;
    for (let lane = 0; lane < GROUP_BLOCKS; lane++) {
      const block = draw.offset + BigInt(group * GROUP_BLOCKS + lane);
      const [c0, c1] = [Number(block & 0xffffffffn), Number(block >> 32n) >>> 0];
      if (direct) philox(c0, c1, 0, 0, draw.key0, draw.key1, words);
      for (let k = 0; k < perBlock; k++) {
        const j = first + 16 * k + lane;
        if (j < start || j >= end) continue;
        if (direct) {
          out[j - start] = direct(words, k);
        } else {
          let value: number | undefined;
          for (let t = 0; value === undefined; t++) {
            philox(c0, c1, t, 0, draw.key0, draw.key1, words);
            value = attempt!(words);
          }
          out[j - start] = value;
        }
      }
    }
  }
}
