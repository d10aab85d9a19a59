// A small pool that splits one large range across threads. The caller always takes part, so a
// pool of n threads has n - 1 helpers, and a job finishes even if no helper is free. Jobs from
// several callers (synchronous calls and Promise work on libuv's threads) share the helpers.
#pragma once

#include <cstddef>
#include <functional>

namespace kindling {

// Threads used per job, the caller included; at least 1.
unsigned poolThreads();

// Sets the threads per job (clamped to [1, kMaxThreads]); safe while jobs run.
void setPoolThreads(unsigned threads);

constexpr unsigned kMaxThreads = 256;

// Runs body(begin, end) over [0, n) in chunks of at least `grain` elements, each a multiple of
// `align` elements except the last, and returns when all are done. Chunk boundaries depend only
// on n, grain, align and the thread count; element-wise kernels give the same bits whatever they are.
void parallelFor(size_t n, size_t grain, size_t align, const std::function<void(size_t, size_t)>& body);

}  // namespace kindling
