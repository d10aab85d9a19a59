/** What the load benchmark's server computes per request, shared by the server and its driver. */
export const BATCH = 32;
export const VOCABULARY = 32000;
export const MODES = ['sync', 'promise', 'fallback'] as const;
export type Mode = (typeof MODES)[number];
