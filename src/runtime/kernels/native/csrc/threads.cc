#include "threads.h"

#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
static inline void relax() { _mm_pause(); }
#else
static inline void relax() { std::this_thread::yield(); }
#endif

namespace netc {

// How long an idle thread spins before it blocks: about the gap between two kernel calls of a
// training step, which JavaScript spends between them. Blocking sooner (5 µs) made most forks wake
// a sleeping worker, tens of microseconds each in a virtual machine: LeNet-5 on two AVX2 cores
// trained at 23.3k img/s against 25.0k with 50 µs (medians of 5, alternating). Much longer spins
// take a core from the thread they wait for on a busy machine.
static constexpr auto kSpin = std::chrono::microseconds(50);

static constexpr uint64_t kPartsMask = 0xFFF, kNextMask = 0xFFFFFFFF;
static inline int parts_of(uint64_t s) { return static_cast<int>((s >> 32) & kPartsMask); }
static inline bool claimable(uint64_t s) { return static_cast<int64_t>(s & kNextMask) < parts_of(s); }

// Spin until ready() or kSpin has passed; whether ready() came true.
template <typename Ready>
static bool spin(Ready ready) {
  const auto until = std::chrono::steady_clock::now() + kSpin;
  for (int i = 0;; i++) {
    if (ready()) return true;
    relax();
    if ((i & 63) == 63 && std::chrono::steady_clock::now() > until) return ready();
  }
}

Pool::Pool(int threads) : threads_(threads < 1 ? 1 : threads) {
  for (int i = 1; i < threads_; i++) workers_.emplace_back([this] { worker(); });
}

Pool::~Pool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_.store(true);
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

void Pool::run(int64_t work, const std::function<void(int, int)>& fn) {
  if (threads_ == 1 || work < kParallelWork) {
    fn(0, 1);
    return;
  }
  int64_t parts = work / kPartWork;
  parts = parts < threads_ ? threads_ : parts > max_parts() ? max_parts() : parts;
  job_.store(&fn, std::memory_order_relaxed);
  done_.store(0, std::memory_order_relaxed);
  const uint64_t job = (state_.load(std::memory_order_relaxed) >> 44) + 1;
  // seq_cst: a worker that counts itself a sleeper after this store sees the job
  state_.store((job << 44) | (static_cast<uint64_t>(parts) << 32));
  if (sleepers_.load() > 0) {
    { std::lock_guard<std::mutex> lock(mutex_); }
    wake_.notify_all();
  }
  help();
  if (spin([&] { return done_.load(std::memory_order_acquire) == parts; })) return;
  std::unique_lock<std::mutex> lock(mutex_);
  main_sleeping_.store(true);
  finished_.wait(lock, [&] { return done_.load() == parts; });
  main_sleeping_.store(false);
}

void Pool::help() {
  for (;;) {
    // a claim past the parts claims nothing; one below them claims that part of the job it names,
    // which cannot end (nor job_ change) before this thread counts the part done
    const uint64_t s = state_.fetch_add(1, std::memory_order_acq_rel);
    if (!claimable(s)) return;
    const int parts = parts_of(s);
    (*job_.load(std::memory_order_relaxed))(static_cast<int>(s & kNextMask), parts);
    if (done_.fetch_add(1) + 1 == parts && main_sleeping_.load()) {
      { std::lock_guard<std::mutex> lock(mutex_); }
      finished_.notify_one();
    }
  }
}

void Pool::worker() {
  for (;;) {
    auto ready = [&] { return stop_.load(std::memory_order_relaxed) || claimable(state_.load(std::memory_order_acquire)); };
    if (!spin(ready)) {
      std::unique_lock<std::mutex> lock(mutex_);
      sleepers_.fetch_add(1);
      wake_.wait(lock, [&] { return stop_.load() || claimable(state_.load()); });
      sleepers_.fetch_sub(1);
    }
    if (stop_.load()) return;
    help();
  }
}

}  // namespace netc
