/**
 * The explorer's result as a terminal report: each configuration's layers (columns) by statistic
 * (rows), then a summary of the verdicts, the gain recommendations and, after `--train`, the loss
 * curves at a few steps.
 */
import type { Configuration, ExploreResult } from './index.js';

/** Layers per row of a configuration's table, so that a row fits in 100 columns. */
const LAYERS_PER_ROW = 10;
const CELL = 9;

/** A number in at most CELL − 1 characters: 3 significant digits, exponent form when small or large. */
export function formatNumber(value: number | null): string {
  if (value === null || Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e4) return String(Number(value.toPrecision(3)));
  return value.toExponential(1).replace('e+', 'e');
}

const percent = (fraction: number | null) => (fraction === null ? '—' : `${(100 * fraction).toFixed(fraction > 0 && fraction < 0.01 ? 1 : 0)}%`);
const cells = (values: readonly string[]) => values.map((value) => value.padStart(CELL)).join('');

function layerTable(configuration: Configuration): string[] {
  const lines: string[] = [];
  const { layers } = configuration;
  for (let start = 0; start < layers.length; start += LAYERS_PER_ROW) {
    const chunk = layers.slice(start, start + LAYERS_PER_ROW);
    const row = (label: string, values: string[]) => `  ${label.padEnd(10)}${cells(values)}`;
    lines.push(
      row('layer', chunk.map((layer) => String(layer.layer))),
      row('mean', chunk.map((layer) => formatNumber(layer.mean))),
      row('std', chunk.map((layer) => formatNumber(layer.std))),
      row('saturated', chunk.map((layer) => percent(layer.saturated))),
      row('dead', chunk.map((layer) => percent(layer.dead))),
      row('spread', chunk.map((layer) => formatNumber(layer.spread))),
      row('|∇W|', chunk.map((layer) => formatNumber(layer.gradientNorm))),
    );
  }
  return lines;
}

function headline(configuration: Configuration): string {
  const title = `${configuration.activation} × ${configuration.initializer}`;
  const problem = configuration.problems[0];
  return `${title.padEnd(36)} ${configuration.verdict.toUpperCase()}${problem ? `: ${problem.detail}` : ''}`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (row: readonly string[]) => `  ${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

/** The whole report; `backend` names what ran it (e.g. 'native avx2'). */
export function renderText(result: ExploreResult, backend: string): string {
  const { settings } = result;
  const lines = [
    `kindling explore: ${settings.depth} layers of ${settings.width} units, batch ${settings.batch}, ${settings.dtype}, seed ${settings.seed}, biases ${settings.bias} (${backend})`,
    'Per layer: mean and std of the outputs, saturated outputs, dead units, spread of the Jacobian (1: an isometry), norm of the weight gradient of a mean squared error.',
    '',
  ];
  for (const configuration of result.configurations) lines.push(headline(configuration), ...layerTable(configuration), '');

  const last = settings.depth;
  lines.push('Summary');
  lines.push(
    ...table(
      ['activation', 'initializer', 'verdict', `std layer 1 → ${last}`, `spread ${last}`, `|∇W| layer 1 / ${last}`, 'problems'],
      result.configurations.map((configuration) => {
        const [first, end] = [configuration.layers[0]!, configuration.layers[last - 1]!];
        const ratio = end.gradientNorm > 0 ? formatNumber(first.gradientNorm / end.gradientNorm) : '—';
        return [
          configuration.activation,
          configuration.initializer,
          configuration.verdict,
          `${formatNumber(first.std)} → ${formatNumber(end.std)}`,
          formatNumber(end.spread),
          ratio,
          configuration.problems.map((problem) => `${problem.kind} (layer ${problem.layer})`).join(', '),
        ];
      }),
    ),
    '',
  );

  if (result.recommendations.length > 0) {
    lines.push('Recommended gain: keeps the pre-activations\' variance steady (1/√E[f(Z)²], Z ~ N(0, 1), measured), weights of std gain/√fan_in');
    lines.push(
      ...table(
        ['activation', 'measured', 'calculateGain', 'recommended initializer', `check: std layer 1 → ${last}`, 'verdict'],
        result.recommendations.map((advice) => {
          const entry = advice.calculateGain;
          const calculated = entry
            ? `${formatNumber(entry.gain)} ('${entry.nonlinearity}'${entry.param === undefined ? '' : `, ${entry.param}`}) ${advice.agrees ? 'agrees' : 'differs'}`
            : 'no entry';
          const { layers } = advice.check;
          return [
            advice.activation,
            formatNumber(advice.measuredGain),
            calculated,
            advice.initializer,
            `${formatNumber(layers[0]!.std)} → ${formatNumber(layers[last - 1]!.std)}`,
            advice.check.verdict + (advice.check.problems[0] ? `: ${advice.check.problems[0].detail}` : ''),
          ];
        }),
      ),
      '',
    );
  }

  if (result.training) {
    const { settings: train, runs } = result.training;
    const steps = runs[0]!.curve.steps;
    const shown = [0, 0.25, 0.5, 0.75, 1].map((fraction) => Math.round(fraction * (steps.length - 1)));
    lines.push(
      `Training: two spirals, ${train.depth} hidden layers of ${train.width}, ${train.steps} SGD steps of ${train.batch} points, learning rate ${train.learningRate}; loss on all ${2 * train.pointsPerClass} points`,
    );
    lines.push(
      ...table(
        ['activation', 'initializer', ...shown.map((i) => `step ${steps[i]}`), 'accuracy'],
        runs.map((run) => [
          run.activation,
          run.initializer,
          ...shown.map((i) => formatNumber(run.curve.loss[i]!)),
          `${(100 * run.curve.accuracy).toFixed(0)}%`,
        ]),
      ),
      '',
    );
  }
  return lines.join('\n');
}
