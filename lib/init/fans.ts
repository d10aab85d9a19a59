/**
 * Fans: how many inputs feed one output (fan_in) and how many outputs one input feeds (fan_out).
 *
 * layout 'torch', weights [out, in, ...kernel]: PyTorch's _calculate_fan_in_and_fan_out,
 *   fan_in = shape[1]·r, fan_out = shape[0]·r with r the product of the kernel dimensions;
 *   rank < 2 is refused, as PyTorch refuses it (a RangeError here).
 * layout 'keras', weights [...kernel, in, out]: Keras's compute_fans (also JAX's and, for ranks
 *   2 to 5, TF.js's): fan_in = shape[-2]·r, fan_out = shape[-1]·r; rank 1 gives (n, n) and
 *   rank 0 gives (1, 1).
 *
 * Both frameworks read a grouped convolution's weight ([out, in/groups, ...k] in PyTorch) and a
 * transposed convolution's ([in, out/groups, ...k]) as if it were an ungrouped ordinary one, so
 * fan_out is `groups` times too large for grouped weights and the two fans trade places (and
 * lose the grouping) for transposed ones. That is reproduced by default, so that kindling gives
 * the frameworks' numbers; `groups` and `transposed` describe the layer and give the true fans:
 *   ordinary:   fan_in = P·r,           fan_out = (F/groups)·r
 *   transposed: fan_in = (F/groups)·r,  fan_out = P·r
 * where P is the per-group channel dimension (torch shape[1], keras shape[-2]) and F the full
 * one (torch shape[0], keras shape[-1]). Strides are not considered. `fanIn` and `fanOut` replace
 * either result outright (with both, the shape's rank no longer matters).
 */
import type { Layout } from '../spec/initializers.js';
import { message, rangeError, typeError, options as checkOptions } from '../validate.js';
import { type Shape, checkFan, checkLayout, checkShape, showShape } from './options.js';

export interface FanOptions {
  /** Dimension order of the weight; default 'torch'. */
  readonly layout?: Layout;
  /** Groups of the convolution; give it (with a value above 1) for the true fans of a grouped convolution. */
  readonly groups?: number;
  /** Whether the weight is a transposed convolution's: gives its true fans. */
  readonly transposed?: boolean;
  /** Replaces the computed fan_in. */
  readonly fanIn?: number;
  /** Replaces the computed fan_out. */
  readonly fanOut?: number;
}

export interface Fans {
  readonly fanIn: number;
  readonly fanOut: number;
}

/** Validated fan settings, as the initializers carry them. */
export interface FanSettings {
  readonly layout: Layout;
  readonly groups: number;
  readonly transposed: boolean;
  readonly fanIn: number | undefined;
  readonly fanOut: number | undefined;
}

export function checkFanSettings(opts: Record<string, unknown>, defaultLayout: Layout): FanSettings {
  const groups = opts.groups;
  if (groups !== undefined) {
    if (typeof groups !== 'number') throw typeError('a positive integer', 'groups', groups);
    if (!Number.isSafeInteger(groups) || groups < 1) throw rangeError('a positive integer', 'groups', groups);
  }
  if (opts.transposed !== undefined && typeof opts.transposed !== 'boolean') throw typeError('a boolean', 'transposed', opts.transposed);
  return {
    layout: checkLayout(opts.layout, defaultLayout),
    groups: (groups as number | undefined) ?? 1,
    transposed: (opts.transposed as boolean | undefined) ?? false,
    fanIn: checkFan(opts.fanIn, 'fanIn'),
    fanOut: checkFan(opts.fanOut, 'fanOut'),
  };
}

/** Fans of a validated shape. */
export function fansOf(shape: Shape, settings: FanSettings): Fans {
  const { layout, groups, transposed, fanIn, fanOut } = settings;
  if (fanIn !== undefined && fanOut !== undefined) return { fanIn, fanOut };
  const rank = shape.length;
  const exact = groups !== 1 || transposed;
  let fans: Fans;
  if (rank < 2) {
    if (layout === 'torch') {
      throw new RangeError(
        message("a shape of rank 2 or more in layout 'torch' ([out, in, ...kernel]; or fanIn and fanOut)", 'shape', showShape(shape)),
      );
    }
    if (exact) throw new RangeError(message('a shape of rank 2 or more with groups or transposed', 'shape', showShape(shape)));
    fans = rank === 0 ? { fanIn: 1, fanOut: 1 } : { fanIn: shape[0]!, fanOut: shape[0]! };
  } else {
    const [full, perGroup, kernel] =
      layout === 'torch' ? [shape[0]!, shape[1]!, shape.slice(2)] : [shape[rank - 1]!, shape[rank - 2]!, shape.slice(0, rank - 2)];
    const receptive = kernel.reduce((product, dim) => product * dim, 1);
    if (full % groups !== 0) {
      const axis = layout === 'torch' ? 'shape[0]' : `shape[${rank - 1}]`;
      throw new RangeError(message(`groups dividing ${axis} (${full})`, 'groups', String(groups)));
    }
    if (!exact) fans = { fanIn: perGroup * receptive, fanOut: full * receptive };
    else if (!transposed) fans = { fanIn: perGroup * receptive, fanOut: (full / groups) * receptive };
    else fans = { fanIn: (full / groups) * receptive, fanOut: perGroup * receptive };
  }
  return { fanIn: fanIn ?? fans.fanIn, fanOut: fanOut ?? fans.fanOut };
}

/**
 * fan_in and fan_out of a weight of this shape (see the top of this file). `options` may be the
 * layout alone; the default layout is 'torch'.
 */
export function computeFans(shape: Shape, options?: FanOptions | Layout): Fans {
  const opts = typeof options === 'string' ? { layout: options } : checkOptions(options, 'computeFans options', ['layout', 'groups', 'transposed', 'fanIn', 'fanOut']);
  return fansOf(checkShape(shape), checkFanSettings(opts, 'torch'));
}
