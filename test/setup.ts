/**
 * Runs before every test file. Vitest awaits each test with promise microtasks only, so a file of
 * long synchronous tests (the statistics on the fallback take a minute) would never let the worker
 * read its messages from the main process, whose calls then time out. Yielding a macrotask after
 * each test keeps that channel alive.
 */
import { afterEach } from 'vitest';

afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
