// Memory in which the Promise path stages copies of its inputs and computes its results (addon.cc,
// KernelWorker). A large block is fresh pages from the operating system, and the first write to
// each page faults: for 64 MB that is 165 ms on the development machine against 4 ms for the copy
// itself, and the input's copy is made on the JavaScript thread. So blocks are left uninitialized
// (each byte is written before it is read) and large ones are recycled: a released block of at
// least kRecycledBytes is kept, up to kRetainedBytes in all, for a later call that fits it.
#pragma once

#include <cstddef>

namespace kindling {

// Blocks below this come from malloc and go back to it, which recycles them well by itself.
constexpr size_t kRecycledBytes = size_t{1} << 20;
// The most that released blocks may hold between calls; the oldest are freed past it.
constexpr size_t kRetainedBytes = size_t{256} << 20;

// One block, uninitialized, owned until destroyed (then released to the pool). Move-only.
class StagingBuffer {
 public:
  StagingBuffer() = default;
  explicit StagingBuffer(size_t bytes);
  StagingBuffer(StagingBuffer&& other) noexcept;
  StagingBuffer& operator=(StagingBuffer&& other) noexcept;
  StagingBuffer(const StagingBuffer&) = delete;
  StagingBuffer& operator=(const StagingBuffer&) = delete;
  ~StagingBuffer();

  unsigned char* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  unsigned char* data_ = nullptr;
  size_t size_ = 0;      // as asked for
  size_t capacity_ = 0;  // as allocated (a recycled block may be larger)
};

}  // namespace kindling
