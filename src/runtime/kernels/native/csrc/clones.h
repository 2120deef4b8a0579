// NETC_CLONES: compile a function for AVX-512, AVX2 and the baseline, and let the loader pick the
// widest this CPU runs (GCC's target_clones, resolved once when the addon loads). For loops the
// compiler vectorizes by itself; the matrix micro-kernels have hand-written builds (gemm.h).
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define NETC_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NETC_CLONES
#endif
