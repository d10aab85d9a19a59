#!/usr/bin/env bash
# Streams kindling's raw Philox words (Generator.bits, a fixed seed, on the native backend when it
# loads) into the dieharder battery through stdin (-g 200, stdin_input_raw), and prints a count of
# PASSED / WEAK / FAILED at the end.
#
#   scripts/dieharder.sh                 the whole battery (dieharder -a): about 25 minutes
#   scripts/dieharder.sh --quick         a dozen tests (about 6 minutes)
#   scripts/dieharder.sh --tests "0 2 100" [--seed N] [--log FILE] [-- more dieharder options]
#
# Every test run alone (--quick, --tests) reads the stream from its start; -a reads one
# continuous stream. The library is loaded from dist/cjs (built with `npx tsc -p .` if missing).
# Set KINDLING_FORCE_JS=1 or KINDLING_SIMD=<level> to test another backend: all give the same bits.
set -euo pipefail

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }

QUICK_TESTS="0 1 2 3 4 10 13 15 100 101 102 205"
seed=20240611
tests=""
log=""
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -q | --quick) tests="$QUICK_TESTS" ;;
    --tests) tests="$2"; shift ;;
    --seed) seed="$2"; shift ;;
    --log) log="$2"; shift ;;
    -h | --help) usage; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "dieharder.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v dieharder > /dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get > /dev/null; then
    echo "dieharder.sh: installing Debian's dieharder..." >&2
    apt-get update -qq && apt-get install -y -qq dieharder > /dev/null
  else
    echo "dieharder.sh: dieharder is not installed (Debian: apt-get install dieharder)" >&2
    exit 1
  fi
fi
if [[ ! -f dist/cjs/random/generator.js ]]; then
  echo "dieharder.sh: building dist/cjs (npx tsc -p .)..." >&2
  npx tsc -p .
fi

# The stream: draws of CHUNK words, a multiple of 64 (16 blocks of 4 words) so that consecutive
# draws continue the same stream without a gap (docs/rng.md §2), written to fd 1 until dieharder
# closes the pipe. fs.writeSync keeps the pipe blocking; EPIPE is the normal end.
read -r -d '' STREAM <<'EOF' || true
const fs = require('node:fs');
const path = require('node:path');
const dist = path.resolve(process.argv[1], 'dist/cjs');
const { Generator } = require(path.join(dist, 'random/generator.js'));
const { backend } = require(path.join(dist, 'backend.js'));
const CHUNK = 1 << 22; // 16 MiB a draw
const generator = new Generator(BigInt(process.argv[2]));
const info = backend();
process.stderr.write(`stream: seed ${process.argv[2]}, ${info.kind}${info.simd ? ` ${info.simd}` : ''}, ${info.threads} thread(s)\n`);
const words = new Uint32Array(CHUNK);
const bytes = new Uint8Array(words.buffer);
for (;;) {
  generator.bits(CHUNK, { out: words });
  let written = 0;
  while (written < bytes.length) {
    try {
      written += fs.writeSync(1, bytes, written, bytes.length - written);
    } catch (error) {
      if (error.code === 'EAGAIN') continue;
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    }
  }
}
EOF

stream() { node -e "$STREAM" "$root" "$seed"; }

if [[ -z "$log" ]]; then
  log="$(mktemp -t dieharder.XXXXXX.log)"
fi
: > "$log"
echo "dieharder.sh: seed $seed; log $log" >&2

# dieharder ends the stream early by closing its end of the pipe; that SIGPIPE/EPIPE is expected.
set +o pipefail
if [[ -z "$tests" ]]; then
  stream | dieharder -a -g 200 "${extra[@]}" | tee -a "$log"
else
  first=1
  for test in $tests; do
    # One header for the table; later tests print their rows only.
    stream | dieharder -d "$test" -g 200 "${extra[@]}" |
      { if [[ $first -eq 1 ]]; then cat; else grep -E '\|[[:space:]]*(PASSED|WEAK|FAILED)[[:space:]]*$'; fi; } | tee -a "$log"
    first=0
  done
fi
set -o pipefail

passed=$(grep -c -E '\|[[:space:]]*PASSED[[:space:]]*$' "$log" || true)
weak=$(grep -c -E '\|[[:space:]]*WEAK[[:space:]]*$' "$log" || true)
failed=$(grep -c -E '\|[[:space:]]*FAILED[[:space:]]*$' "$log" || true)
echo
echo "Summary (seed $seed): PASSED $passed, WEAK $weak, FAILED $failed; log $log"
if [[ " ${extra[*]:-} " == *" -Y "* ]]; then
  echo "(-Y: dieharder retries WEAK results with more p-samples; a test's last line is its verdict, and the counts include the retried lines)"
fi
if [[ $failed -gt 0 ]]; then
  echo "FAILED:"
  grep -E '\|[[:space:]]*FAILED[[:space:]]*$' "$log"
fi
if [[ $weak -gt 0 ]]; then
  echo "WEAK (about 1 in 100 results is WEAK by chance):"
  grep -E '\|[[:space:]]*WEAK[[:space:]]*$' "$log"
fi
