#!/usr/bin/env node
/**
 * The `kindling` command. `kindling explore [options]` runs the init explorer (docs/explore.md):
 * a terminal report on stdout (or JSON with --json), an SVG chart with --svg, progress on stderr.
 * A bad option is one line on stderr and exit code 2; any other failure exit code 1; never a stack.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { backend } from './backend.js';
import { DEFAULTS, type ExploreOptions, explore } from './explore/index.js';
import { renderSvg } from './explore/svg.js';
import { renderText } from './explore/text.js';
import { DEFAULT_TRAIN } from './explore/train.js';
import { message } from './validate.js';

const USAGE = `Usage: kindling explore [options]

Builds a deep MLP for each activation × weight initializer, pushes a batch of standard-normal
inputs forward and a mean squared error's gradient backward, and reports per layer the outputs'
mean and std, saturated outputs, dead units and the weight gradient's norm, with a verdict per
configuration (healthy, vanishing, exploding, saturated, dead, symmetric) and the gain each
activation needs (docs/explore.md).

Network:
  --depth N             hidden layers (default ${DEFAULTS.depth})
  --width N             units per layer, and inputs (default ${DEFAULTS.width})
  --batch N             examples pushed through (default ${DEFAULTS.batch})
  --activation LIST     activations of kindling's table, comma-separated, each name[:param=value...]
                        (default ${DEFAULTS.activations.join(',')}); e.g. leakyRelu:negativeSlope=0.2
  --init LIST           weight initializers of kindling's table, the same way
                        (default ${DEFAULTS.initializers.join(',')})
  --bias NAME           the biases' initializer (default ${DEFAULTS.bias}); e.g. constant:value=0.1
  --dtype TYPE          float32 or float64 (default ${DEFAULTS.dtype})
  --seed N              seed of every random draw (default ${DEFAULTS.seed})
  --no-recommend        skip the gain recommendation and its check runs

Training (--train): a small MLP per configuration on two spirals, plain SGD, seeded:
  --train               show the loss against the step for each configuration
  --train-depth N       hidden layers (default ${DEFAULT_TRAIN.depth})
  --train-width N       units per hidden layer (default ${DEFAULT_TRAIN.width})
  --steps N             SGD steps (default ${DEFAULT_TRAIN.steps})
  --learning-rate X     (default ${DEFAULT_TRAIN.learningRate})

Output:
  --json                the whole result as JSON on stdout (non-finite numbers are null)
  --svg FILE            write a chart: per-layer std on a log scale, and the loss curves
  --quiet               no progress on stderr
  -h, --help            this text
`;

/** A bad command line: reported in one line with exit code 2. */
class UsageError extends Error {}

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress then rewrites one line). */
  readonly interactive: boolean;
}

function integerArgument(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(message('a non-negative integer', flag, JSON.stringify(raw)));
  return Number(raw);
}

function numberArgument(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || Number.isNaN(value)) throw new UsageError(message('a number', flag, JSON.stringify(raw)));
  return value;
}

/** Repeated or comma-separated lists: --init zeros,normal:std=0.01 --init kaimingNormal. */
const listArgument = (raw: string[] | undefined) => raw?.flatMap((item) => item.split(',')).filter((item) => item !== '');

function exploreOptions(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      depth: { type: 'string' },
      width: { type: 'string' },
      batch: { type: 'string' },
      activation: { type: 'string', multiple: true },
      init: { type: 'string', multiple: true },
      bias: { type: 'string' },
      dtype: { type: 'string' },
      seed: { type: 'string' },
      'no-recommend': { type: 'boolean' },
      train: { type: 'boolean' },
      'train-depth': { type: 'string' },
      'train-width': { type: 'string' },
      steps: { type: 'string' },
      'learning-rate': { type: 'string' },
      json: { type: 'boolean' },
      svg: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(message('no argument after the command', 'kindling', JSON.stringify(rest[0])));
  const trainFlags = { depth: values['train-depth'], width: values['train-width'], steps: values.steps, learningRate: values['learning-rate'] };
  if (!values.train && Object.values(trainFlags).some((value) => value !== undefined)) {
    throw new UsageError('--train-depth, --train-width, --steps and --learning-rate need --train');
  }
  const defined = <T extends object>(object: T) => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
  const options: ExploreOptions = defined({
    depth: integerArgument(values.depth, '--depth'),
    width: integerArgument(values.width, '--width'),
    batch: integerArgument(values.batch, '--batch'),
    activations: listArgument(values.activation),
    initializers: listArgument(values.init),
    bias: values.bias,
    dtype: values.dtype as ExploreOptions['dtype'],
    seed: integerArgument(values.seed, '--seed'),
    recommend: values['no-recommend'] ? false : undefined,
    train: values.train
      ? defined({
          depth: integerArgument(trainFlags.depth, '--train-depth'),
          width: integerArgument(trainFlags.width, '--train-width'),
          steps: integerArgument(trainFlags.steps, '--steps'),
          learningRate: numberArgument(trainFlags.learningRate, '--learning-rate'),
        })
      : undefined,
  });
  return { command, options, json: values.json ?? false, svg: values.svg, quiet: values.quiet ?? false, help: values.help ?? false };
}

/** Runs the command line `argv` (without node and the script); returns the exit code. */
export function main(argv: readonly string[], io: Io): number {
  let parsed: ReturnType<typeof exploreOptions>;
  try {
    parsed = exploreOptions(argv);
    if (parsed.help) {
      io.stdout(USAGE);
      return 0;
    }
    if (parsed.command !== 'explore') {
      throw new UsageError(message('the command "explore"', 'kindling', parsed.command === undefined ? 'no command' : JSON.stringify(parsed.command)));
    }
  } catch (error) {
    return fail(error, io);
  }

  const started = performance.now();
  const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const onProgress: ExploreOptions['onProgress'] = parsed.quiet
    ? undefined
    : ({ done, total, task }) => {
        const line = `explore: [${done}/${total}] ${task} (${seconds()})`;
        io.stderr(io.interactive ? `\r\x1b[2K${line}` : `${line}\n`);
      };
  try {
    // Fails now, not after the run, if the chart cannot be written there.
    if (parsed.svg !== undefined) writeFileSync(parsed.svg, '');
    const result = explore({ ...parsed.options, ...(onProgress ? { onProgress } : {}) });
    if (!parsed.quiet) io.stderr(`${io.interactive ? '\r\x1b[2K' : ''}explore: done in ${seconds()}\n`);
    if (parsed.svg !== undefined) {
      writeFileSync(parsed.svg, renderSvg(result));
      if (!parsed.quiet) io.stderr(`explore: wrote ${parsed.svg}\n`);
    }
    const info = backend();
    io.stdout(parsed.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderText(result, `${info.kind}${info.simd ? ` ${info.simd}` : ''}`)}\n`);
    return 0;
  } catch (error) {
    return fail(error, io);
  }
}

/** One line on stderr: exit code 2 for a bad option (the library's TypeError or RangeError, or ours), 1 otherwise. */
function fail(error: unknown, io: Io): number {
  const usage = error instanceof UsageError || error instanceof TypeError || error instanceof RangeError;
  const text = error instanceof Error ? error.message : String(error);
  io.stderr(`kindling: ${text.split('\n')[0]}${usage ? ' (kindling explore --help lists the options)' : ''}\n`);
  return usage ? 2 : 1;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    interactive: process.stderr.isTTY === true,
  });
}
