/**
 * The suite's one shape of a measurement, and how trials combine. Every family's child writes its
 * own JSON (`--json`); bench/suite.ts turns each trial's file into Samples (the family's `read`) and
 * aggregates them here. A new family can write this shape directly (`{ notes, results: Sample[] }`,
 * the `common` reader), which is how bench/orthogonal.ts joins with one table entry.
 */

/** One contender's repetitions in one trial, for one case and size. */
export interface Sample {
  /** What was computed: an activation, 'uniform float32', 'softmax rows of 1000', ... */
  readonly case: string;
  /** Elements (values) per call. */
  readonly size: number;
  readonly contender: string;
  /** auto, native, fallback, naive, tfjs, stdlib, torch, numpy, copy, write: how reports pick rows. */
  readonly kind: string;
  /** Threads it ran with, where that is a setting (null: JavaScript, one thread by nature). */
  readonly threads: number | null;
  /** ns per element of each repetition. */
  readonly nsPerElement: readonly number[];
  /** Set when the contender allocates its result on every call instead of filling `out`. */
  readonly allocates?: boolean;
}

/** Samples of one (case, size, contender) over every trial. */
export interface Measurement {
  readonly case: string;
  readonly size: number;
  readonly contender: string;
  readonly kind: string;
  readonly threads: number | null;
  readonly allocates: boolean;
  /** The median of the trials' medians: each trial ran in a fresh process. */
  readonly median: number;
  /** min and max over every repetition of every trial. */
  readonly min: number;
  readonly max: number;
  readonly trials: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((p, q) => p - q);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Trials of the same (case, size, contender) combined, in the order they first appear. */
export function aggregate(trials: readonly (readonly Sample[])[]): Measurement[] {
  const groups = new Map<string, Sample[]>();
  for (const trial of trials) {
    for (const sample of trial) {
      if (sample.nsPerElement.length === 0) continue;
      const key = `${sample.case}\u0000${sample.size}\u0000${sample.contender}`;
      groups.set(key, [...(groups.get(key) ?? []), sample]);
    }
  }
  return [...groups.values()].map((samples) => {
    const first = samples[0]!;
    const all = samples.flatMap((sample) => sample.nsPerElement);
    return {
      case: first.case,
      size: first.size,
      contender: first.contender,
      kind: first.kind,
      threads: first.threads,
      allocates: first.allocates ?? false,
      median: median(samples.map((sample) => median(sample.nsPerElement))),
      min: Math.min(...all),
      max: Math.max(...all),
      trials: samples.length,
    };
  });
}
