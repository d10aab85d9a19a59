#!/usr/bin/env bash
# Builds the addon with AddressSanitizer and UndefinedBehaviorSanitizer (CMake option
# KINDLING_SANITIZE) into build/sanitize/, apart from the normal build, and runs kindling under it
# with node preloading the ASan runtime and the loader pointed at that binary (KINDLING_NATIVE_PATH).
# Any sanitizer report aborts node, which fails the run.
#
#   scripts/sanitize.sh                 the whole test suite (vitest, the fuzzers included)
#   scripts/sanitize.sh test/fuzz-binding.test.ts ...    only these test files
#   scripts/sanitize.sh --leaks         LeakSanitizer on scripts/leak-smoke.mjs (see docs/reliability.md)
#   scripts/sanitize.sh --leak-canary   the same on a build that leaks 64 bytes on purpose (CMake's
#                                       KINDLING_LEAK_CANARY, into build/sanitize-canary/): passes
#                                       only if the leak check catches it
#
# KINDLING_FUZZ_RUNS=<n> lengthens the fuzz campaigns. Node itself keeps memory until exit, which
# LeakSanitizer would report as leaks, so the suite runs with detect_leaks=0, and --leaks judges
# only the leaks whose allocation stack passes through kindling.node.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

mode=${1:-}
out=build/sanitize
canary=OFF
if [ "$mode" = "--leak-canary" ]; then out=build/sanitize-canary canary=ON; fi
binary=$root/$out/Release/kindling.node
echo "== building the addon with -fsanitize=address,undefined into $out (leak canary $canary)"
nice -n 10 node node_modules/cmake-js/bin/cmake-js compile -O "$out" --CDKINDLING_SANITIZE=ON --CDKINDLING_LEAK_CANARY=$canary >"$root/$out.log" 2>&1 ||
  { tail -n 40 "$root/$out.log"; exit 1; }
npm run --silent build:ts

asan=$(gcc -print-file-name=libasan.so)
[ -f "$asan" ] || { echo "no ASan runtime at $asan (gcc -print-file-name=libasan.so)"; exit 1; }
export LD_PRELOAD=$asan
export KINDLING_NATIVE_PATH=$binary
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# detect_odr_violation=0: the levels' kernels are meant to share names in separate namespaces only,
# and V8's own globals trip it; abort_on_error makes a report kill node with SIGABRT.
asan_common=abort_on_error=1:detect_odr_violation=0:allocator_may_return_null=1

echo "== the sanitized binary must be the one that loads"
ASAN_OPTIONS=$asan_common:detect_leaks=0 node -e "
const info = require('./dist/cjs/index.js').backend();
if (info.path !== process.env.KINDLING_NATIVE_PATH) { console.error('loaded', info.path, info.reasons); process.exit(1); }
console.log('loaded', info.path, 'at', info.simd);
"

if [ "$mode" = "--leaks" ] || [ "$mode" = "--leak-canary" ]; then
  report=$root/$out/leaks
  rm -f "$report".*
  echo "== LeakSanitizer on scripts/leak-smoke.mjs (reports in $report.<pid>)"
  ASAN_OPTIONS=$asan_common:detect_leaks=1:log_path=$report \
    LSAN_OPTIONS=fast_unwind_on_malloc=0:malloc_context_size=30:exitcode=0 \
    nice -n 10 node --expose-gc scripts/leak-smoke.mjs
  # The report is read without the ASan runtime: under it, the reader's own exit would be judged too.
  status=0
  env -u LD_PRELOAD node scripts/leak-report.mjs "$report" kindling.node "$root/native/" || status=$?
  if [ "$mode" = "--leaks" ]; then exit $status; fi
  if [ $status -ne 3 ]; then
    echo "leak canary: the planted leak was NOT caught (leak-report exit $status): the leak check is blind"; exit 1
  fi
  echo "leak canary: the planted leak was caught, as it must be"
  exit
fi

echo "== the test suite under ASan and UBSan ${*:-(every file)}"
ASAN_OPTIONS=$asan_common:detect_leaks=0 KINDLING_EXPECT_NATIVE=1 nice -n 10 npx vitest run "$@"
