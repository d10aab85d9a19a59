/**
 * The server of the load benchmark (bench/server/load.ts): a node:http server whose one route does
 * what a language-model server does after its forward pass, on 32 × 32000 float32 logits: softmax
 * along each row, then one categorical draw per row from the generator's uniforms. The logits are
 * fixed (the model is not the subject); each request allocates its probabilities, as a server
 * handling concurrent requests must.
 *
 *   npx vite-node bench/server/server.ts --mode sync|promise|fallback [--port 0]
 *
 * Modes: `sync` calls the native softmax on the event loop, `promise` awaits softmax.async (the
 * work runs on the addon's thread pool), `fallback` is `sync` on the TypeScript kernels (what users
 * get where no binary fits). It prints `listening <port>` once ready. GET /stats answers the
 * event-loop delay (perf_hooks.monitorEventLoopDelay, 1 ms resolution) since the last /stats, in ms.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { built } from '../harness.js';
import { BATCH, MODES, type Mode, VOCABULARY } from './request.js';

const { createAxisActivations } = built<typeof import('../../lib/axis-activations.js')>('axis-activations.js');
const { fallbackKernels } = built<typeof import('../../lib/fallback/kernels.js')>('fallback/kernels.js');
const { Generator } = built<typeof import('../../lib/random/generator.js')>('random/generator.js');
const kindling = built<typeof import('../../lib/index.js')>('index.js');


const { values: args } = parseArgs({ options: { mode: { type: 'string' }, port: { type: 'string', default: '0' } } });
const mode = args.mode as Mode;
if (!MODES.includes(mode)) throw new Error(`Expected --mode ${MODES.join('|')} but received ${args.mode}`);
if (mode !== 'fallback' && kindling.backend().kind !== 'native') throw new Error(`--mode ${mode} needs the native addon: ${kindling.backend().reasons.join('; ')}`);

const softmax = mode === 'fallback' ? createAxisActivations(fallbackKernels).softmax : kindling.softmax;
const generator = new Generator(20240611, mode === 'fallback' ? { kernels: fallbackKernels } : {});
const shape = [BATCH, VOCABULARY];
// Logits as a model gives them: a few large, most near zero.
const logits = new Generator(7).normal(BATCH * VOCABULARY, { std: 3, dtype: 'float32' }) as Float32Array;

/** One token per row: the first index whose cumulative probability exceeds a uniform draw. */
function sample(probabilities: Float32Array): Int32Array {
  const uniforms = generator.uniform(BATCH, { dtype: 'float64' });
  const tokens = new Int32Array(BATCH);
  for (let row = 0; row < BATCH; row++) {
    const base = row * VOCABULARY;
    let [cumulative, token] = [0, VOCABULARY - 1];
    for (let k = 0; k < VOCABULARY; k++) {
      cumulative += probabilities[base + k]!;
      if (cumulative > uniforms[row]!) {
        token = k;
        break;
      }
    }
    tokens[row] = token;
  }
  return tokens;
}

async function handle(): Promise<Int32Array> {
  const probabilities = mode === 'promise' ? await softmax.async(logits, { shape }) : softmax(logits, { shape });
  return sample(probabilities);
}

const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const ms = (ns: number) => ns / 1e6;

const server = createServer((request, response) => {
  if (request.url === '/stats') {
    const stats = { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), mean: ms(delay.mean) };
    delay.reset();
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
    return;
  }
  handle().then(
    (tokens) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ tokens: [...tokens] })),
    (error: Error) => response.writeHead(500).end(error.message),
  );
});
server.listen(Number(args.port), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
