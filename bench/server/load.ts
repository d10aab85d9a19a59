/**
 * The server under load: bench/server/server.ts in each mode (sync native, Promise native,
 * fallback), in its own process, driven by autocannon (a devDependency) on loopback with a bounded
 * number of requests after a short warm-up. Reports requests per second, latency percentiles and the
 * server's event-loop delay during the measured requests. Then, in this process and without HTTP,
 * large Promise calls alone: how long each call holds the event loop before it returns its Promise,
 * how long until it settles, and the event-loop delay meanwhile.
 *
 *   npx tsc -p . && npx vite-node bench/server/load.ts [--requests 400] [--connections 8] [--modes sync,promise,fallback] [--json out.json]
 *
 * The fallback takes tens of ms a request: it gets a tenth of the requests (at least 20).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { built } from '../harness.js';
import { BATCH, MODES, type Mode, VOCABULARY } from './request.js';

interface AutocannonResult {
  requests: { total: number };
  latency: { p50: number; p99: number; max: number; mean: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (options: object) => Promise<AutocannonResult>;
const autocannon = createRequire(__filename)('autocannon') as Autocannon;
const autocannonVersion = (createRequire(__filename)('autocannon/package.json') as { version: string }).version;

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '400' },
    connections: { type: 'string', default: '8' },
    modes: { type: 'string', default: MODES.join(',') },
    json: { type: 'string' },
  },
});
const REQUESTS = Number(args.requests);
const CONNECTIONS = Number(args.connections);
const modes = args.modes!.split(',') as Mode[];

interface EventLoopDelay {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

function startServer(mode: Mode): Promise<{ port: number; stop: () => void }> {
  const child = spawn(process.execPath, [join(__dirname, '..', '..', 'node_modules', 'vite-node', 'vite-node.mjs'), join(__dirname, 'server.ts'), '--mode', mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = /listening (\d+)/.exec(output);
      if (match) resolve({ port: Number(match[1]), stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (code) => reject(new Error(`server (${mode}) exited with ${code} before listening`)));
  });
}

async function eventLoopDelay(port: number): Promise<EventLoopDelay> {
  const response = await fetch(`http://127.0.0.1:${port}/stats`);
  return (await response.json()) as EventLoopDelay;
}

const results = [];
for (const mode of modes) {
  const amount = mode === 'fallback' ? Math.max(20, Math.round(REQUESTS / 10)) : REQUESTS;
  process.stderr.write(`server ${mode}: ${amount} requests, ${CONNECTIONS} connections...\n`);
  const server = await startServer(mode);
  try {
    const url = `http://127.0.0.1:${server.port}/sample`;
    await autocannon({ url, connections: CONNECTIONS, amount: Math.max(CONNECTIONS, Math.round(amount / 10)) }); // warm-up
    await eventLoopDelay(server.port); // resets the histogram
    const run = await autocannon({ url, connections: CONNECTIONS, amount });
    const delay = await eventLoopDelay(server.port);
    results.push({
      mode,
      requests: run.requests.total,
      seconds: run.duration,
      requestsPerSecond: run.requests.total / run.duration,
      latencyMs: { p50: run.latency.p50, p99: run.latency.p99, max: run.latency.max, mean: run.latency.mean },
      failures: run.errors + run.timeouts + run.non2xx,
      eventLoopDelayMs: delay,
    });
  } finally {
    server.stop();
  }
}

// ---- large async calls alone ----
const kindling = built<typeof import('../../lib/index.js')>('index.js');
const ASYNC_CALLS = 20;
interface AsyncCall {
  readonly call: string;
  readonly elements: number;
  /** Median ms the call ran on the event loop before returning its Promise (validation, input copies). */
  readonly onLoopMs: number;
  /** Median ms from the call to the Promise settling. */
  readonly settledMs: number;
  readonly eventLoopDelayMs: EventLoopDelay;
}
const asyncCalls: AsyncCall[] = [];
const middle = (values: number[]) => [...values].sort((p, q) => p - q)[values.length >> 1]!;
/**
 * The reference for the copies of the Promise path: allocating a fresh 1.6e7-element Float32Array
 * and writing it once (page faults included), median of 5, in ms.
 */
const freshArrayMs = middle(
  Array.from({ length: 5 }, () => {
    const start = process.hrtime.bigint();
    new Float32Array(1.6e7).fill(1);
    return Number(process.hrtime.bigint() - start) / 1e6;
  }),
);
if (kindling.backend().kind === 'native') {
  const logits = new Float32Array(BATCH * VOCABULARY).map((_, i) => Math.sin(i) * 4);
  const big = new Float32Array(1.6e7).map((_, i) => Math.sin(i) * 4);
  // Views of a SharedArrayBuffer cannot be detached, so the addon uses them in place, uncopied.
  const shared = (from: Float32Array) => {
    const view = new Float32Array(new SharedArrayBuffer(from.byteLength));
    view.set(from);
    return view;
  };
  const [bigShared, bigSharedOut] = [shared(big), shared(new Float32Array(big.length))];
  const bigOut = new Float32Array(big.length);
  const cases: [string, number, () => Promise<unknown>][] = [
    [`softmax.async, [${BATCH}, ${VOCABULARY}]`, logits.length, () => kindling.softmax.async(logits, { shape: [BATCH, VOCABULARY] })],
    ['tanh.async, 1.6e7 elements (a new result array each call)', big.length, () => kindling.tanh.async(big)],
    ['tanh.async, 1.6e7 elements, into the same out each call', big.length, () => kindling.tanh.async(big, { out: bigOut })],
    ['tanh.async, 1.6e7 elements, SharedArrayBuffer in and out (no copies)', big.length, () => kindling.tanh.async(bigShared, { out: bigSharedOut })],
  ];
  for (const [call, elements, run] of cases) {
    await run(); // warm-up
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const [onLoop, settled]: number[][] = [[], []];
    for (let i = 0; i < ASYNC_CALLS; i++) {
      const start = process.hrtime.bigint();
      const promise = run();
      onLoop.push(Number(process.hrtime.bigint() - start) / 1e6);
      await promise;
      settled.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    delay.disable();
    const ms = (ns: number) => ns / 1e6;
    asyncCalls.push({
      call,
      elements,
      onLoopMs: middle(onLoop),
      settledMs: middle(settled),
      eventLoopDelayMs: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), mean: ms(delay.mean) },
    });
  }
}

console.log(`Server: softmax over ${BATCH} × ${VOCABULARY} float32 logits, then one categorical draw per row; autocannon ${autocannonVersion}, ${CONNECTIONS} connections, loopback\n`);
console.log('| mode | requests | requests/s | latency p50 (ms) | p99 (ms) | event-loop delay p50 / p99 / max (ms) | failures |');
console.log('|---|--:|--:|--:|--:|--:|--:|');
for (const r of results) {
  const d = r.eventLoopDelayMs;
  console.log(
    `| ${r.mode} | ${r.requests} | ${r.requestsPerSecond.toFixed(1)} | ${r.latencyMs.p50} | ${r.latencyMs.p99} | ` +
      `${d.p50.toFixed(1)} / ${d.p99.toFixed(1)} / ${d.max.toFixed(1)} | ${r.failures} |`,
  );
}
console.log(`\nLarge Promise calls alone, ${ASYNC_CALLS} in a row (median ms); a fresh 1.6e7-element array, allocated and written once: ${freshArrayMs.toFixed(1)} ms\n`);
console.log('| call | on the event loop | until settled | event-loop delay p99 / max |');
console.log('|---|--:|--:|--:|');
for (const a of asyncCalls) {
  console.log(`| ${a.call} | ${a.onLoopMs.toFixed(2)} | ${a.settledMs.toFixed(2)} | ${a.eventLoopDelayMs.p99.toFixed(1)} / ${a.eventLoopDelayMs.max.toFixed(1)} |`);
}
if (args.json) {
  const json = { batch: BATCH, vocabulary: VOCABULARY, connections: CONNECTIONS, autocannon: autocannonVersion, results, asyncCalls, freshArrayMs };
  writeFileSync(args.json, `${JSON.stringify(json, null, 2)}\n`);
}
