/**
 * `--svg file`: a self-contained SVG chart of the result. The first panel draws each
 * configuration's per-layer standard deviation on a log scale (layer 0 is the input), one line
 * per configuration: colour by initializer, dash by activation. After `--train` a second panel
 * draws the training loss against the step.
 */
import type { ExploreResult } from './index.js';
import { formatNumber } from './text.js';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const DASHES = ['', '7 4', '2 3', '9 3 2 3', '4 2 4 6'];
const PLOT = { left: 70, top: 40, width: 560, height: 330 };
const LEGEND_X = PLOT.left + PLOT.width + 30;
const LEGEND_ROW = 17;
const PANEL_GAP = 40;

interface Series {
  readonly label: string;
  readonly colour: string;
  readonly dash: string;
  /** [x, y] points; null breaks the line (a value the scale cannot show). */
  readonly points: readonly ([number, number] | null)[];
}

interface Axis {
  readonly min: number;
  readonly max: number;
  readonly log: boolean;
  readonly ticks: readonly number[];
  readonly title: string;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fixed = (value: number) => Number(value.toFixed(1));

function decades(values: readonly number[]): Axis {
  const logs = values.filter((value) => value > 0 && Number.isFinite(value)).map(Math.log10);
  const min = logs.length ? Math.floor(Math.min(...logs)) : -1;
  const max = logs.length ? Math.max(Math.ceil(Math.max(...logs)), min + 1) : 1;
  const step = Math.max(1, Math.ceil((max - min) / 12));
  const ticks: number[] = [];
  for (let e = min; e <= max; e += step) ticks.push(10 ** e);
  return { min: 10 ** min, max: 10 ** max, log: true, ticks, title: 'std of the outputs (log scale)' };
}

function linear(min: number, max: number, count: number, title: string, integer = false): Axis {
  const raw = (max - min) / count;
  const step = integer ? Math.max(1, Math.ceil(raw)) : raw;
  return { min, max, log: false, ticks: Array.from({ length: count + 1 }, (_, i) => min + i * step).filter((tick) => tick <= max + 1e-9), title };
}

/** One panel: axes, grid, series and legend, its top at `top`; returns the SVG and its height. */
function panel(title: string, x: Axis, y: Axis, series: readonly Series[], notes: readonly string[], top: number): [string, number] {
  const scale = (axis: Axis, value: number, length: number) => {
    const [low, high, v] = axis.log ? [Math.log10(axis.min), Math.log10(axis.max), Math.log10(value)] : [axis.min, axis.max, value];
    return ((v - low) / (high - low || 1)) * length;
  };
  const px = (value: number) => fixed(PLOT.left + scale(x, value, PLOT.width));
  const py = (value: number) => fixed(top + PLOT.top + PLOT.height - scale(y, value, PLOT.height));
  const parts: string[] = [];
  const clip = `clip${top}`;
  parts.push(`<clipPath id="${clip}"><rect x="${PLOT.left}" y="${top + PLOT.top}" width="${PLOT.width}" height="${PLOT.height}"/></clipPath>`);
  parts.push(`<text x="${PLOT.left}" y="${top + 24}" font-size="15" font-weight="bold">${escape(title)}</text>`);
  for (const tick of y.ticks) {
    parts.push(`<line x1="${PLOT.left}" x2="${PLOT.left + PLOT.width}" y1="${py(tick)}" y2="${py(tick)}" stroke="#ddd"/>`);
    parts.push(`<text x="${PLOT.left - 6}" y="${py(tick) + 4}" text-anchor="end">${escape(formatNumber(tick))}</text>`);
  }
  for (const tick of x.ticks) {
    parts.push(`<line x1="${px(tick)}" x2="${px(tick)}" y1="${top + PLOT.top}" y2="${top + PLOT.top + PLOT.height}" stroke="#eee"/>`);
    parts.push(`<text x="${px(tick)}" y="${top + PLOT.top + PLOT.height + 16}" text-anchor="middle">${tick}</text>`);
  }
  parts.push(`<rect x="${PLOT.left}" y="${top + PLOT.top}" width="${PLOT.width}" height="${PLOT.height}" fill="none" stroke="#444"/>`);
  parts.push(`<text x="${PLOT.left + PLOT.width / 2}" y="${top + PLOT.top + PLOT.height + 34}" text-anchor="middle">${escape(x.title)}</text>`);
  const middle = top + PLOT.top + PLOT.height / 2;
  parts.push(`<text x="16" y="${middle}" text-anchor="middle" transform="rotate(-90 16 ${middle})">${escape(y.title)}</text>`);

  series.forEach((line, i) => {
    const runs: [number, number][][] = [[]];
    for (const point of line.points) {
      if (point === null) runs.push([]);
      else runs[runs.length - 1]!.push([px(point[0]), py(point[1])]);
    }
    const dash = line.dash ? ` stroke-dasharray="${line.dash}"` : '';
    for (const run of runs) {
      // A lone point (its neighbours cannot be drawn) is a dot; a run of points a line.
      if (run.length === 1) parts.push(`<circle cx="${run[0]![0]}" cy="${run[0]![1]}" r="2.5" fill="${line.colour}" clip-path="url(#${clip})"/>`);
      if (run.length < 2) continue;
      const points = run.map(([cx, cy]) => `${cx},${cy}`).join(' ');
      parts.push(`<polyline points="${points}" fill="none" stroke="${line.colour}" stroke-width="1.8"${dash} clip-path="url(#${clip})"/>`);
    }
    const ly = top + PLOT.top + i * LEGEND_ROW;
    parts.push(`<line x1="${LEGEND_X}" x2="${LEGEND_X + 28}" y1="${ly}" y2="${ly}" stroke="${line.colour}" stroke-width="2"${dash}/>`);
    parts.push(`<text x="${LEGEND_X + 34}" y="${ly + 4}">${escape(line.label)}</text>`);
  });
  const legendEnd = top + PLOT.top + series.length * LEGEND_ROW;
  notes.forEach((note, i) => parts.push(`<text x="${LEGEND_X}" y="${legendEnd + 8 + i * LEGEND_ROW}" fill="#555">${escape(note)}</text>`));
  const height = Math.max(PLOT.top + PLOT.height + 50, legendEnd - top + notes.length * LEGEND_ROW + 20);
  return [parts.join('\n'), height];
}

/** The chart as an SVG document. */
export function renderSvg(result: ExploreResult): string {
  const { settings } = result;
  const colourOf = (initializer: string) => COLOURS[settings.initializers.indexOf(initializer) % COLOURS.length] ?? COLOURS[0]!;
  const dashOf = (activation: string) => DASHES[settings.activations.indexOf(activation) % DASHES.length] ?? '';

  const stds = result.configurations.flatMap((configuration) => [configuration.inputStd, ...configuration.layers.map((layer) => layer.std)]);
  const y = decades(stds);
  const x = linear(0, settings.depth, Math.min(settings.depth, 10), 'layer (0: the input)', true);
  const notDrawn: string[] = [];
  const series = result.configurations.map((configuration): Series => {
    const values = [configuration.inputStd, ...configuration.layers.map((layer) => layer.std)];
    const points = values.map((value, layer): [number, number] | null => (value > 0 && Number.isFinite(value) ? [layer, value] : null));
    if (points.slice(1).every((point) => point === null)) notDrawn.push(`${configuration.activation} × ${configuration.initializer}`);
    const label = `${configuration.activation} × ${configuration.initializer}: ${configuration.verdict}`;
    return { label, colour: colourOf(configuration.initializer), dash: dashOf(configuration.activation), points };
  });
  const notes = notDrawn.length ? ['Not drawn (std 0 or not finite at every layer):', ...notDrawn.map((label) => `  ${label}`)] : [];
  const title = `Per-layer std: ${settings.depth} layers of ${settings.width}, batch ${settings.batch}, ${settings.dtype}, seed ${settings.seed}`;
  const panels = [panel(title, x, y, series, notes, 0)];

  if (result.training) {
    const { settings: train, runs } = result.training;
    // Losses above twice a coin's (2 ln 2) are clipped: a run that starts or ends there has failed anyway.
    const top = 2 * Math.LN2;
    const lossAxis = { ...linear(0, top, 6, 'cross-entropy on the training set'), ticks: [0, 0.25, 0.5, Math.LN2, 1, 1.25] };
    const stepAxis = linear(0, train.steps, 8, 'SGD step', true);
    const curves = runs.map((run): Series => {
      const points = run.curve.steps.map((step, i): [number, number] | null => {
        const loss = run.curve.loss[i]!;
        return Number.isFinite(loss) ? [step, Math.min(loss, top * 1.05)] : null;
      });
      const label = `${run.activation} × ${run.initializer}: ${(100 * run.curve.accuracy).toFixed(0)}% right`;
      return { label, colour: colourOf(run.initializer), dash: dashOf(run.activation), points };
    });
    const coin: Series = { label: "ln 2: a coin's loss", colour: '#888', dash: '1 3', points: [[0, Math.LN2], [train.steps, Math.LN2]] };
    const trainTitle = `Training on two spirals: ${train.depth} hidden layers of ${train.width}, learning rate ${train.learningRate}`;
    panels.push(panel(trainTitle, stepAxis, lossAxis, [...curves, coin], [], panels[0]![1] + PANEL_GAP));
  }

  const height = panels.reduce((sum, [, panelHeight]) => sum + panelHeight, 0) + PANEL_GAP * (panels.length - 1);
  const width = LEGEND_X + 330;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...panels.map(([svg]) => svg),
    '</svg>',
    '',
  ].join('\n');
}
