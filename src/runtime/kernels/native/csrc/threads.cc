#include "threads.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
static inline void relax() { _mm_pause(); }
#else
static inline void relax() { std::this_thread::yield(); }
#endif

namespace netc {

// About 50 µs of pause instructions before a thread blocks.
static constexpr int kSpins = 4000;

Pool::Pool(int threads) : threads_(threads < 1 ? 1 : threads) {
  for (int i = 1; i < threads_; i++) workers_.emplace_back([this, i] { worker(i); });
}

Pool::~Pool() {
  stop_.store(true);
  generation_.fetch_add(1);
  {
    std::lock_guard<std::mutex> lock(mutex_);
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

void Pool::run(int64_t work, const std::function<void(int, int)>& fn) {
  if (threads_ == 1 || work < kParallelWork) {
    fn(0, 1);
    return;
  }
  job_ = &fn;
  remaining_.store(threads_ - 1);
  generation_.fetch_add(1);  // seq_cst: a worker that counts itself a sleeper after this sees it
  if (sleepers_.load() > 0) {
    { std::lock_guard<std::mutex> lock(mutex_); }
    wake_.notify_all();
  }
  fn(0, threads_);
  wait_workers();
}

void Pool::wait_workers() {
  for (int i = 0; i < kSpins; i++) {
    if (remaining_.load(std::memory_order_acquire) == 0) return;
    relax();
  }
  std::unique_lock<std::mutex> lock(mutex_);
  main_sleeping_.store(true);
  done_.wait(lock, [this] { return remaining_.load() == 0; });
  main_sleeping_.store(false);
}

void Pool::worker(int index) {
  uint64_t seen = 0;
  for (;;) {
    int spins = 0;
    while (generation_.load(std::memory_order_acquire) == seen && spins < kSpins) {
      relax();
      spins++;
    }
    if (generation_.load() == seen) {
      std::unique_lock<std::mutex> lock(mutex_);
      sleepers_.fetch_add(1);
      wake_.wait(lock, [&] { return generation_.load() != seen; });
      sleepers_.fetch_sub(1);
    }
    seen = generation_.load();
    if (stop_.load()) return;
    (*job_)(index, threads_);
    if (remaining_.fetch_sub(1) == 1 && main_sleeping_.load()) {
      { std::lock_guard<std::mutex> lock(mutex_); }
      done_.notify_one();
    }
  }
}

}  // namespace netc
