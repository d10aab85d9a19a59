/**
 * No instruction of a higher SIMD level may leak into code that runs on any CPU. Every function in
 * the binary is disassembled: only functions in the kindling::avx2 and kindling::avx512 namespaces
 * may use VEX/EVEX instructions or ymm/zmm/mask registers, and those levels must really use them.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { native } from './helpers/backends.js';

const isX86 = process.arch === 'x64';
const objdump = spawnSync('objdump', ['--version']).status === 0;

/** Function name → its instruction lines, from `objdump -d -C`. */
function disassemble(path: string): Map<string, string[]> {
  const result = spawnSync('objdump', ['-d', '-C', '--no-show-raw-insn', path], { encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(result.status, result.stderr).toBe(0);
  const functions = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of result.stdout.split('\n')) {
    const header = /^[0-9a-f]+ <(.+)>:$/.exec(line);
    if (header) functions.set(header[1]!, (current = []));
    else if (current && /^\s+[0-9a-f]+:\t/.test(line)) current.push(line.split('\t').slice(1).join(' ').trim());
  }
  return functions;
}

// VEX/EVEX-encoded instructions all have mnemonics starting with v; ymm, zmm and k registers
// exist only from AVX and AVX-512 on.
const WIDE = /^v[a-z0-9]+\b|%[yz]mm\d|%k[0-7]\b/;
const HIGH_LEVEL = /\bkindling::(avx2|avx512)::/;

describe.runIf(isX86 && native && objdump)('SIMD isolation in the native binary', () => {
  const functions = native && objdump ? disassemble(native.path) : new Map<string, string[]>();

  it('keeps AVX and AVX-512 instructions out of every baseline function', () => {
    const leaks: string[] = [];
    for (const [name, instructions] of functions) {
      if (HIGH_LEVEL.test(name)) continue;
      const wide = instructions.find((instruction) => WIDE.test(instruction));
      if (wide) leaks.push(`${name}: ${wide}`);
    }
    expect(leaks).toEqual([]);
  });

  it.each([
    ['scalar', /%xmm/],
    ['sse2', /^(mulps|addps|mulpd|addpd)\b/],
    ['avx2', /%ymm/],
    ['avx512', /%zmm/],
  ])('compiles the %s kernels with their own instruction set', (level, signature) => {
    const names = [...functions.keys()].filter((name) => name.includes(`kindling::${level}::`));
    expect(names.length).toBeGreaterThan(0);
    const uses = names.some((name) => functions.get(name)!.some((instruction) => signature.test(instruction)));
    expect(uses).toBe(true);
  });
});
