#include "thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace kindling {
namespace {

struct Job {
  const std::function<void(size_t, size_t)>* body;
  size_t n;
  size_t chunk;
  size_t chunks;
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  std::mutex mutex;
  std::condition_variable finished;

  // Runs chunks until none are left; returns true if this call ran the job's last chunk.
  bool work() {
    size_t ran = 0;
    for (size_t i; (i = next.fetch_add(1)) < chunks; ++ran) {
      const size_t begin = i * chunk;
      (*body)(begin, std::min(n, begin + chunk));
    }
    if (ran == 0) return false;
    if (done.fetch_add(ran) + ran != chunks) return false;
    std::lock_guard<std::mutex> lock(mutex);
    finished.notify_all();
    return true;
  }
};

class Pool {
 public:
  unsigned threads() const { return threads_.load(); }

  void setThreads(unsigned threads) {
    threads = std::clamp(threads, 1u, kMaxThreads);
    threads_.store(threads);
    std::lock_guard<std::mutex> lock(mutex_);
    while (helpers_.size() + 1 < threads) helpers_.emplace_back([this] { helperLoop(); });
    wake_.notify_all();
  }

  void run(const std::shared_ptr<Job>& job) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.push_back(job);
    }
    wake_.notify_all();
    job->work();
    std::unique_lock<std::mutex> lock(job->mutex);
    job->finished.wait(lock, [&] { return job->done.load() == job->chunks; });
  }

 private:
  // Helpers beyond the current thread count sleep; they are never joined, because the pool lives
  // as long as the process (an addon is never unloaded).
  void helperLoop() {
    const size_t index = [this] {
      std::lock_guard<std::mutex> lock(mutex_);
      return started_++;
    }();
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return !queue_.empty() && index + 1 < threads_.load(); });
      std::shared_ptr<Job> job = queue_.front();
      if (job->next.load() >= job->chunks) {
        queue_.pop_front();
        continue;
      }
      lock.unlock();
      job->work();
      lock.lock();
    }
  }

  std::atomic<unsigned> threads_{1};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Job>> queue_;
  std::vector<std::thread> helpers_;
  size_t started_ = 0;
};

Pool& pool() {
  static Pool* const instance = [] {
    auto* created = new Pool();  // deliberately leaked: helpers may still wait at process exit
    created->setThreads(std::max(1u, std::thread::hardware_concurrency()));
    return created;
  }();
  return *instance;
}

}  // namespace

unsigned poolThreads() { return pool().threads(); }

void setPoolThreads(unsigned threads) { pool().setThreads(threads); }

void parallelFor(size_t n, size_t grain, size_t align, const std::function<void(size_t, size_t)>& body) {
  const size_t threads = poolThreads();
  if (threads <= 1 || n < 2 * grain) {
    if (n > 0) body(0, n);
    return;
  }
  // Several chunks per thread keep both busy when one is slowed by other work.
  const size_t wanted = std::min(n / grain, threads * 4);
  size_t chunk = (n + wanted - 1) / wanted;
  chunk = (chunk + align - 1) / align * align;
  auto job = std::make_shared<Job>();
  job->body = &body;
  job->n = n;
  job->chunk = chunk;
  job->chunks = (n + chunk - 1) / chunk;
  pool().run(job);
}

}  // namespace kindling
