/**
 * Philox4x32-10 (docs/rng.md §1), the TypeScript twin of native/kernels/philox-inl.h.
 */

/** The high 32 bits of the 64-bit product of two 32-bit words, from 16-bit halves (each partial product is exact in a double). */
function mulHi(a: number, b: number): number {
  const aHigh = a >>> 16;
  const aLow = a & 0xffff;
  const bHigh = b >>> 16;
  const bLow = b & 0xffff;
  const cross1 = aHigh * bLow;
  const cross2 = aLow * bHigh;
  const carry = (((aLow * bLow) >>> 16) + (cross1 & 0xffff) + (cross2 & 0xffff)) >>> 16;
  return (aHigh * bHigh + (cross1 >>> 16) + (cross2 >>> 16) + carry) >>> 0;
}

/** Writes the block of counter (c0, c1, c2, c3) under key (k0, k1) into out[0..3]. */
export function philox(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + 0x9e3779b9) >>> 0;
      k1 = (k1 + 0xbb67ae85) >>> 0;
    }
    const hi0 = mulHi(0xd2511f53, c0);
    const lo0 = Math.imul(0xd2511f53, c0) >>> 0;
    const hi1 = mulHi(0xcd9e8d57, c2);
    const lo1 = Math.imul(0xcd9e8d57, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/** The 64-bit product a * b of two 32-bit words, as [high, low] words (for Lemire's method). */
export function mulHiLo(a: number, b: number): [number, number] {
  return [mulHi(a, b), Math.imul(a, b) >>> 0];
}
