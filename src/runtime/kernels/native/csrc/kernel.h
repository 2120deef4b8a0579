// The kernel table: each family's file registers its kernels by the names of the Kernels
// interface (src/runtime/kernels/types.ts) with NETC_KERNELS, and addon.cc exposes the table to
// JavaScript, which calls them by index.
#pragma once
#include <vector>

#include "context.h"

namespace netc {

struct KernelEntry {
  const char* name;
  Kernel fn;
  int arity;  // arguments, the optional alpha included (JavaScript passes 0 for a missing one)
  bool returns = false;  // whether the result is the kernel's value (countCorrect), else it returns nothing
};

std::vector<KernelEntry>& kernel_table();

struct Register {
  Register(std::initializer_list<KernelEntry> entries) {
    for (const auto& e : entries) kernel_table().push_back(e);
  }
};

// Runs body(lo, hi) over runs of [0, count) on the pool, one run per thread.
template <typename Body>
void split(Ctx& c, int64_t count, int64_t work, Body body) {
  c.pool.run(work, [&](int t, int T) {
    int64_t lo, hi;
    share(count, t, T, lo, hi);
    if (lo < hi) body(lo, hi);
  });
}

#define NETC_KERNELS(family, ...) static const Register family##_kernels{__VA_ARGS__};

}  // namespace netc
