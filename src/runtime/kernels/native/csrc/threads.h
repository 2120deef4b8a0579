// A fork-join thread pool: run(work, fn) calls fn(t, T) on T threads, this one as t = 0. Kernels
// split their outputs by t, so each output is one thread's sum in one order: the same inputs give
// the same bits whatever T. Idle workers spin briefly (jobs come microseconds apart during a
// training step), then block on a condition variable, so a busy machine does not starve them.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace netc {

class Pool {
 public:
  explicit Pool(int threads);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;
  int threads() const { return threads_; }
  // Below this much work (multiply-adds or elements), a call runs on this thread alone.
  static constexpr int64_t kParallelWork = 32768;
  void run(int64_t work, const std::function<void(int, int)>& fn);

 private:
  void worker(int index);
  void wait_workers();
  int threads_;
  std::vector<std::thread> workers_;
  const std::function<void(int, int)>* job_ = nullptr;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> remaining_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<bool> main_sleeping_{false};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
};

// The half-open share [lo, hi) of `count` items that thread t of T computes.
inline void share(int64_t count, int t, int T, int64_t& lo, int64_t& hi) {
  lo = count * t / T;
  hi = count * (t + 1) / T;
}

}  // namespace netc
