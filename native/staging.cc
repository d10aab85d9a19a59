#include "staging.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

namespace kindling {
namespace {

struct Block {
  unsigned char* data;
  size_t capacity;
};

// Released blocks, oldest first. Shared by every JavaScript thread (worker_threads) that loads the
// addon, hence the lock; never destroyed, so no thread can find it gone while the process exits.
struct Pool {
  std::mutex lock;
  std::vector<Block> released;
  size_t retained = 0;
};

Pool& pool() {
  static Pool* const instance = new Pool;
  return *instance;
}

// With KINDLING_POISON_STAGING set (the test suite sets it), every block is filled with 0xff bytes
// (NaN in either float type) when handed out, so a kernel that left part of its result unwritten
// shows as a wrong result rather than as whatever an earlier call left there.
bool poisoning() {
  static const bool enabled = std::getenv("KINDLING_POISON_STAGING") != nullptr;
  return enabled;
}

// The smallest released block that holds `bytes` without wasting more than half of itself.
Block take(size_t bytes) {
  if (bytes < kRecycledBytes) return {nullptr, 0};
  Pool& p = pool();
  std::lock_guard<std::mutex> hold(p.lock);
  size_t best = p.released.size();
  for (size_t i = 0; i < p.released.size(); ++i) {
    const size_t capacity = p.released[i].capacity;
    if (capacity >= bytes && capacity / 2 <= bytes && (best == p.released.size() || capacity < p.released[best].capacity)) {
      best = i;
    }
  }
  if (best == p.released.size()) return {nullptr, 0};
  const Block block = p.released[best];
  p.released.erase(p.released.begin() + static_cast<std::ptrdiff_t>(best));
  p.retained -= block.capacity;
  return block;
}

void give(Block block) {
  if (block.capacity < kRecycledBytes || block.capacity > kRetainedBytes) {
    std::free(block.data);
    return;
  }
  std::vector<unsigned char*> evicted;
  {
    Pool& p = pool();
    std::lock_guard<std::mutex> hold(p.lock);
    p.released.push_back(block);
    p.retained += block.capacity;
    while (p.retained > kRetainedBytes) {
      p.retained -= p.released.front().capacity;
      evicted.push_back(p.released.front().data);
      p.released.erase(p.released.begin());
    }
  }
  for (unsigned char* data : evicted) std::free(data);  // outside the lock: munmap can take a while
}

}  // namespace

StagingBuffer::StagingBuffer(size_t bytes) : size_(bytes) {
  if (bytes == 0) return;
  Block block = take(bytes);
  if (block.data == nullptr) {
    block = {static_cast<unsigned char*>(std::malloc(bytes)), bytes};
    if (block.data == nullptr) throw std::bad_alloc();
  }
  data_ = block.data;
  capacity_ = block.capacity;
  if (poisoning()) std::memset(data_, 0xff, size_);
}

StagingBuffer::StagingBuffer(StagingBuffer&& other) noexcept
    : data_(other.data_), size_(other.size_), capacity_(other.capacity_) {
  other.data_ = nullptr;
  other.size_ = other.capacity_ = 0;
}

StagingBuffer& StagingBuffer::operator=(StagingBuffer&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) give({data_, capacity_});
    data_ = other.data_;
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.data_ = nullptr;
    other.size_ = other.capacity_ = 0;
  }
  return *this;
}

StagingBuffer::~StagingBuffer() {
  if (data_ != nullptr) give({data_, capacity_});
}

}  // namespace kindling
