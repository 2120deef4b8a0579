// A fork-join thread pool: run(work, fn) cuts a call into P parts and calls fn(part, P) once for
// each part, on whichever thread claims it first (this one included). Kernels split their outputs
// by part, so each output is one part's sum in one order: the same inputs give the same bits
// whatever the thread count and whichever thread ran a part. Parts are claimed one at a time from
// a shared counter, so a thread the machine has not scheduled yet claims nothing and holds up
// nobody: on a busy machine the threads that run do the work. Idle workers spin a few
// microseconds (jobs come that far apart during a training step), then block on a condition
// variable, so that they give a busy machine's cores back.
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
  // The most parts a call is cut into: per-part scratch needs this many buffers.
  int max_parts() const { return threads_ * kPartsPerThread; }
  // Below this much work (multiply-adds or elements), a call runs on this thread alone.
  static constexpr int64_t kParallelWork = 32768;
  void run(int64_t work, const std::function<void(int, int)>& fn);

 private:
  // Parts per thread for large calls, so that a thread that runs late leaves a smaller share to
  // wait for. More parts cost: each has its setup, its own scratch (more cache to keep warm) and
  // shorter runs of rows for the micro-kernel: with up to 4 per thread, LeNet-5 on two threads
  // took about a quarter more CPU time per image than with one per thread (a busy machine, noisy).
  static constexpr int kPartsPerThread = 2;
  // Work per part below which a call gets fewer parts (at least one per thread).
  static constexpr int64_t kPartWork = 4 << 20;
  void worker();
  // Claim and run parts of the current job until none is left unclaimed.
  void help();
  int threads_;
  std::vector<std::thread> workers_;
  std::atomic<const std::function<void(int, int)>*> job_{nullptr};
  // The current job in one word, so that a claim names the job it claims from: bits 44 and up
  // count jobs, bits 32–43 hold the job's parts, bits 0–31 the next part to claim (at or past
  // the parts: none left). Claiming is one fetch_add.
  std::atomic<uint64_t> state_{0};
  std::atomic<int> done_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<bool> main_sleeping_{false};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable finished_;
};

// The half-open share [lo, hi) of `count` items that part t of T computes.
inline void share(int64_t count, int t, int T, int64_t& lo, int64_t& hi) {
  lo = count * t / T;
  hi = count * (t + 1) / T;
}

}  // namespace netc
