/**
 * The server under load: bench/server/server.ts in each mode (sync native, Promise native,
 * fallback), in its own process, driven by autocannon (a devDependency) on loopback with a bounded
 * number of requests after a short warm-up. Reports requests per second, latency percentiles and the
 * server's event-loop delay during the measured requests.
 *
 *   npx tsc -p . && npx vite-node bench/server/load.ts [--requests 400] [--connections 8] [--modes sync,promise,fallback] [--json out.json]
 *
 * The fallback takes tens of ms a request: it gets a tenth of the requests (at least 20).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
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
if (args.json) {
  writeFileSync(args.json, `${JSON.stringify({ batch: BATCH, vocabulary: VOCABULARY, connections: CONNECTIONS, autocannon: autocannonVersion, results }, null, 2)}\n`);
}
