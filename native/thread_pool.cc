#include "thread_pool.h"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <thread>

// Built only on what the oldest supported glibc and libstdc++ provide (docs/packaging.md): POSIX
// mutexes and condition variables directly (GCC 12's std::condition_variable::wait needs
// GLIBCXX_3.4.30), and no shared_ptr or growing containers (they pull in newer symbols).

namespace kindling {
namespace {

// One parallelFor call. It lives on the caller's stack: the caller returns only when every chunk
// is done and no helper still holds the job.
struct Job {
  const std::function<void(size_t, size_t)>* body;
  size_t n;
  size_t chunk;
  size_t chunks;
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  unsigned helpers = 0;  // helpers inside work(), guarded by the pool's mutex
  Job* queued = nullptr;  // the next job in the pool's queue

  bool exhausted() const { return next.load() >= chunks; }

  void work() {
    size_t ran = 0;
    for (size_t i; (i = next.fetch_add(1)) < chunks; ++ran) {
      const size_t begin = i * chunk;
      (*body)(begin, std::min(n, begin + chunk));
    }
    done.fetch_add(ran);
  }
};

class Pool {
 public:
  Pool() {
    pthread_mutex_init(&mutex_, nullptr);
    pthread_cond_init(&wake_, nullptr);
    pthread_cond_init(&finished_, nullptr);
  }

  unsigned threads() const { return threads_.load(); }

  void setThreads(unsigned threads) {
    threads = std::clamp(threads, 1u, kMaxThreads);
    pthread_mutex_lock(&mutex_);
    threads_.store(threads);
    // Helpers are started as needed and never stopped: beyond the thread count they sleep. The
    // pool lives as long as the process (an addon is never unloaded).
    for (; started_ + 1 < threads; ++started_) std::thread([this, index = started_] { helperLoop(index); }).detach();
    pthread_cond_broadcast(&wake_);
    pthread_mutex_unlock(&mutex_);
  }

  void run(Job& job) {
    pthread_mutex_lock(&mutex_);
    job.queued = nullptr;
    *(tail_ ? &tail_->queued : &head_) = &job;
    tail_ = &job;
    pthread_cond_broadcast(&wake_);
    pthread_mutex_unlock(&mutex_);

    job.work();

    pthread_mutex_lock(&mutex_);
    while (job.done.load() != job.chunks || job.helpers > 0) pthread_cond_wait(&finished_, &mutex_);
    unlink(job);
    pthread_mutex_unlock(&mutex_);
  }

 private:
  // The first queued job with chunks left, or nullptr. Called with the mutex held.
  Job* available() const {
    for (Job* job = head_; job; job = job->queued) {
      if (!job->exhausted()) return job;
    }
    return nullptr;
  }

  void unlink(Job& job) {
    Job* previous = nullptr;
    for (Job* current = head_; current; previous = current, current = current->queued) {
      if (current != &job) continue;
      *(previous ? &previous->queued : &head_) = job.queued;
      if (tail_ == &job) tail_ = previous;
      return;
    }
  }

  void helperLoop(unsigned index) {
    pthread_mutex_lock(&mutex_);
    for (;;) {
      Job* job = index + 1 < threads_.load() ? available() : nullptr;
      if (!job) {
        pthread_cond_wait(&wake_, &mutex_);
        continue;
      }
      ++job->helpers;
      pthread_mutex_unlock(&mutex_);
      job->work();
      pthread_mutex_lock(&mutex_);
      --job->helpers;
      pthread_cond_broadcast(&finished_);
    }
  }

  pthread_mutex_t mutex_;
  pthread_cond_t wake_;
  pthread_cond_t finished_;
  std::atomic<unsigned> threads_{1};
  unsigned started_ = 0;
  Job* head_ = nullptr;
  Job* tail_ = nullptr;
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
  Job job;
  job.body = &body;
  job.n = n;
  job.chunk = chunk;
  job.chunks = (n + chunk - 1) / chunk;
  pool().run(job);
}

}  // namespace kindling
